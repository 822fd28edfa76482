package dev.trickle.sharding.runtime;

import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.sinks.ducklake.Delivery;
import java.time.Duration;
import java.util.List;

/**
 * Told about the work this node's entities do (for metrics). Called on the blocking dispatcher
 * right after each refresh or delivery; implementations must be quick and thread-safe.
 */
public interface RuntimeObserver {
  /** A refresh of {@code members} (one stream table, or a diamond group) ended with {@code outcome}. */
  void refreshed(String database, List<Long> members, RefreshOutcome outcome, Duration took);

  /** A sink delivered one refresh's delta. */
  void delivered(String database, long pgtId, Delivery delivery, Duration took);

  /** A sink delivery failed. */
  void deliveryFailed(String database, long pgtId, String message);
}
