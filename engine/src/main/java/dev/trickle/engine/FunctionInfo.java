package dev.trickle.engine;

/** A function name's volatility and whether it names an aggregate. */
public record FunctionInfo(Volatility volatility, boolean aggregate) {
  /** A plain immutable function, or a name that is not a function at all. */
  public static final FunctionInfo IMMUTABLE = new FunctionInfo(Volatility.IMMUTABLE, false);
}
