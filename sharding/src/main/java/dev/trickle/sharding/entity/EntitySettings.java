package dev.trickle.sharding.entity;

import java.time.Clock;
import java.time.Duration;

/**
 * How stream table entities behave.
 *
 * @param maxConsecutiveFailures failed refreshes in a row after which a stream table is suspended
 * @param backoff the wait between a failed refresh and the next attempt
 * @param reconcileRetry how long to wait before reading the catalog again when it could not be read
 * @param clock the entity's only source of time (tests move it)
 */
public record EntitySettings(int maxConsecutiveFailures, Backoff backoff, Duration reconcileRetry, Clock clock) {
  public EntitySettings {
    if (maxConsecutiveFailures < 1) {
      throw new IllegalArgumentException("max consecutive failures must be at least 1, got " + maxConsecutiveFailures);
    }
  }
}
