package dev.trickle.sharding.sink;

import dev.trickle.protocol.cluster.SinkProtocol;
import dev.trickle.protocol.cluster.StreamTableKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Finds, every {@code interval}, the sinks of one database with refreshes left to deliver and
 * tells their entities (which start on whichever node owns them). One per database, beside its
 * refresh coordinator.
 */
public final class SinkDispatcher {
  private SinkDispatcher() {}

  private enum Poll { INSTANCE }

  private record Found(List<Long> pending) {}

  public static Behavior<Object> create(String database, SinkStore store,
      Function<StreamTableKey, RecipientRef<SinkProtocol.Command>> entities, Duration interval, Executor blocking) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Poll.INSTANCE, interval);
      boolean[] polling = {false};
      return Behaviors.receive(Object.class)
          .onMessageEquals(Poll.INSTANCE, () -> {
            if (!polling[0]) {
              polling[0] = true;
              context.pipeToSelf(CompletableFuture.supplyAsync(store::pending, blocking), (pending, error) -> new Found(error == null ? pending : List.of()));
            }
            return Behaviors.same();
          })
          .onMessage(Found.class, found -> {
            polling[0] = false;
            found.pending().forEach(id -> entities.apply(new StreamTableKey(database, id))
                .tell(SinkProtocol.DeltaAvailable.INSTANCE));
            return Behaviors.same();
          })
          .build();
    }));
  }
}
