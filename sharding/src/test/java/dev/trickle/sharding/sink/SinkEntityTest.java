package dev.trickle.sharding.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.trickle.protocol.cluster.SinkProtocol.Command;
import dev.trickle.protocol.cluster.SinkProtocol.DeltaAvailable;
import dev.trickle.protocol.cluster.SinkProtocol.Event;
import dev.trickle.protocol.cluster.SinkProtocol.State;
import dev.trickle.protocol.cluster.StreamTableKey;
import dev.trickle.sharding.entity.Backoff;
import dev.trickle.sinks.ducklake.Delivery;
import dev.trickle.testkit.Eventually;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SinkEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.parseString("pekko.loglevel = ERROR")).withFallback(ConfigFactory.load()));
  /** Each test's entity has its own key, so none recovers another's events from the shared journal. */
  private static final AtomicLong NEXT_ID = new AtomicLong(3);

  private final StreamTableKey key = new StreamTableKey("lake-db", NEXT_ID.getAndIncrement());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Answers deliveries from a script: a refresh id delivers it, -1 fails, an exhausted script has nothing left. */
  private static final class ScriptedStore implements SinkStore {
    private final Deque<Long> script;
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    ScriptedStore(Long... script) {
      this.script = new ArrayDeque<>(List.of(script));
    }

    @Override
    public synchronized Optional<Delivery> deliverNext(long pgtId) {
      Long next = script.poll();
      if (next == null) {
        return Optional.empty();
      }
      if (next < 0) {
        throw new IllegalStateException("S3 is down\nsecond line");
      }
      return Optional.of(new Delivery(next, next + 100, 2, 1, 1, Optional.of("t_r" + next + ".parquet"), 10, 0));
    }

    @Override
    public void recordFailure(long pgtId, String message) {
      failures.add(pgtId + ": " + message);
    }

    @Override
    public List<Long> pending() {
      return List.of();
    }
  }

  @Test
  void shouldRetryFailedDeliveriesAfterABackoffAndThenDeliverEverythingInOrder() {
    ScriptedStore store = new ScriptedStore(-1L, -1L, 5L, 6L);
    EventSourcedBehaviorTestKit<Command, Event, State> entity = EventSourcedBehaviorTestKit.create(testKit.system(),
        SinkEntity.create(key, store, new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 0), Runnable::run));
    entity.runCommand(DeltaAvailable.INSTANCE);
    Eventually.holds("both refreshes delivered after two failures", Duration.ofSeconds(5),
        () -> entity.getState().equals(new State(6, 0)));
    String failure = key.id() + ": S3 is down";
    assertEquals(List.of(failure, failure), store.failures, "each failure recorded, first line only");
  }

  @Test
  void shouldLookForWorkAgainAfterTheJournalFailedToRecordAFailedDelivery() {
    ScriptedStore store = new ScriptedStore(-1L, 7L);
    PersistenceTestKit.create(testKit.system()).failNextPersisted("Sink|" + key.entityId());
    EventSourcedBehaviorTestKit<Command, Event, State> entity = EventSourcedBehaviorTestKit.create(testKit.system(),
        SinkEntity.create(key, store, new Backoff(Duration.ofSeconds(20), Duration.ofSeconds(20), 0), Runnable::run));
    Eventually.holds("refresh 7 delivered once the entity restarted, not after the 20 s backoff", Duration.ofSeconds(10),
        () -> {
          try {
            return entity.getState().equals(new State(7, 0));
          } catch (AssertionError restarting) {
            return false;
          }
        });
  }

  @Test
  void shouldCountFailuresUntilADeliverySucceeds() {
    ScriptedStore store = new ScriptedStore(-1L, -1L, -1L);
    EventSourcedBehaviorTestKit<Command, Event, State> entity = EventSourcedBehaviorTestKit.create(testKit.system(),
        SinkEntity.create(key, store, new Backoff(Duration.ofMillis(20), Duration.ofMillis(20), 0), Runnable::run));
    entity.runCommand(DeltaAvailable.INSTANCE);
    Eventually.holds("three failures in a row", Duration.ofSeconds(5), () -> entity.getState().equals(new State(0, 3)));
    entity.runCommand(DeltaAvailable.INSTANCE);
    assertEquals(new State(0, 3), entity.getState(), "nothing left to deliver: the state stays");
  }
}
