package dev.trickle.engine;

/** PostgreSQL function volatility, from least to most volatile. */
public enum Volatility {
  IMMUTABLE,
  STABLE,
  VOLATILE
}
