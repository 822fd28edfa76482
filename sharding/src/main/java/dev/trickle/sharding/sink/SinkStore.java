package dev.trickle.sharding.sink;

import dev.trickle.sinks.ducklake.Delivery;
import java.util.List;
import java.util.Optional;

/**
 * What a sink entity needs from its database: deliveries, failure records, pending sinks. Calls
 * fail with a {@link dev.trickle.catalog.CatalogException} naming the cause.
 */
public interface SinkStore {
  /** Delivers the oldest undelivered refresh of the stream table's sink (empty: nothing to deliver). */
  Optional<Delivery> deliverNext(long pgtId);

  /** Records a failed delivery in the sink's catalog row (shown by sink_status()). */
  void recordFailure(long pgtId, String message);

  /** The stream tables whose sinks have refreshes left to deliver. */
  List<Long> pending();
}
