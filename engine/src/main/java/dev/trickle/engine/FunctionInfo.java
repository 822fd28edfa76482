package dev.trickle.engine;

/**
 * A function name's volatility, whether it names an aggregate, and whether it returns a set
 * of rows (unnest, generate_series, jsonb_array_elements ...).
 */
public record FunctionInfo(Volatility volatility, boolean aggregate, boolean setReturning) {
  /** A plain immutable function, or a name that is not a function at all. */
  public static final FunctionInfo IMMUTABLE = new FunctionInfo(Volatility.IMMUTABLE, false, false);
}
