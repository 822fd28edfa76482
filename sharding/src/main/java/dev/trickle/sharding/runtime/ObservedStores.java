package dev.trickle.sharding.runtime;

import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.sharding.entity.StreamTableStore;
import dev.trickle.sharding.sink.SinkStore;
import dev.trickle.sinks.ducklake.Delivery;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Stores that tell a {@link RuntimeObserver} what they did. */
final class ObservedStores {
  private ObservedStores() {}

  static StreamTableStore observe(StreamTableStore store, String database, RuntimeObserver observer) {
    return new StreamTableStore() {
      @Override
      public Optional<StreamTableInfo> read(long id) {
        return store.read(id);
      }

      @Override
      public RefreshOutcome refresh(List<Long> members) {
        long start = System.nanoTime();
        RefreshOutcome outcome = store.refresh(members);
        observer.refreshed(database, members, outcome, since(start));
        return outcome;
      }

      @Override
      public void suspend(long id, String reason) {
        store.suspend(id, reason);
      }
    };
  }

  static SinkStore observe(SinkStore store, String database, RuntimeObserver observer) {
    return new SinkStore() {
      @Override
      public Optional<Delivery> deliverNext(long pgtId) {
        long start = System.nanoTime();
        Optional<Delivery> delivery = store.deliverNext(pgtId);
        delivery.ifPresent(delivered -> observer.delivered(database, pgtId, delivered, since(start)));
        return delivery;
      }

      @Override
      public void recordFailure(long pgtId, String message) {
        observer.deliveryFailed(database, pgtId, message);
        store.recordFailure(pgtId, message);
      }

      @Override
      public List<Long> pending() {
        return store.pending();
      }
    };
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
