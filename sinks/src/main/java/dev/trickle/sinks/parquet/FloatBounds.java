package dev.trickle.sinks.parquet;

import java.util.Optional;

/**
 * The bounds of a floating-point column's values, NaN left out (Parquet's own statistics do not
 * say whether a NaN occurred), and whether one did. Used by one thread.
 */
final class FloatBounds {
  private boolean nan;
  private boolean any;
  private double min;
  private double max;

  void add(double value) {
    if (Double.isNaN(value)) {
      nan = true;
    } else if (!any) {
      any = true;
      min = value;
      max = value;
    } else {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  }

  boolean containsNan() {
    return nan;
  }

  Optional<String> min() {
    return any ? Optional.of(String.valueOf(min)) : Optional.empty();
  }

  Optional<String> max() {
    return any ? Optional.of(String.valueOf(max)) : Optional.empty();
  }
}
