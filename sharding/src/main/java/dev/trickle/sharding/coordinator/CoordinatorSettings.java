package dev.trickle.sharding.coordinator;

import java.time.Clock;
import java.time.Duration;

/**
 * How a refresh coordinator plans.
 *
 * @param tick how often it looks for due stream tables
 * @param scan how often it reads the catalog even without a notification
 * @param refreshTimeout how long it waits for an entity's answer before asking again (the
 *     entity answers every request of a refresh it is already running)
 * @param maxConcurrentRefreshes refreshes in flight at once in the database
 * @param calculatedFallback the interval of a {@code calculated} table nothing downstream schedules
 * @param clock the coordinator's only source of time (tests move it)
 */
public record CoordinatorSettings(Duration tick, Duration scan, Duration refreshTimeout, int maxConcurrentRefreshes,
    Duration calculatedFallback, Clock clock) {
  public CoordinatorSettings {
    if (maxConcurrentRefreshes < 1) {
      throw new IllegalArgumentException("max concurrent refreshes must be at least 1, got " + maxConcurrentRefreshes);
    }
  }
}
