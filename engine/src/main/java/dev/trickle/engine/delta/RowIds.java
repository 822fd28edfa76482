package dev.trickle.engine.delta;

import java.util.List;

/** Row identities: a 64-bit hash of identifying values, independent of session settings. */
final class RowIds {
  private RowIds() {}

  /** SQL hashing the given expressions into a row id; a constant for no expressions. */
  static String of(List<String> values) {
    if (values.isEmpty()) {
      return "0::bigint";
    }
    return "hash_record_extended(ROW(" + String.join(", ", values) + "), 0)";
  }
}
