package dev.trickle.sharding.entity;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with jitter: attempt n waits min * 2^(n-1), capped at max, stretched by
 * a random factor in [0, randomFactor).
 */
public record Backoff(Duration min, Duration max, double randomFactor) {
  public Backoff {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0 || randomFactor < 0) {
      throw new IllegalArgumentException("backoff needs 0 < min <= max and randomFactor >= 0, got " + min + ", " + max
          + ", " + randomFactor);
    }
  }

  /** How long to wait before attempt {@code attempt + 1} after {@code attempt} failures (attempt >= 1). */
  public Duration delay(int attempt, Random random) {
    long base = min.toMillis();
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    long exponential = Math.min(max.toMillis(), base << doublings);
    double jitter = randomFactor == 0 ? 0 : random.nextDouble() * randomFactor;
    return Duration.ofMillis(Math.min(max.toMillis(), Math.round(exponential * (1 + jitter))));
  }
}
