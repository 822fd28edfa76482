package dev.trickle.sharding.sink;

import dev.trickle.protocol.cluster.SinkProtocol.Command;
import dev.trickle.protocol.cluster.SinkProtocol.DeltaAvailable;
import dev.trickle.protocol.cluster.SinkProtocol.Delivered;
import dev.trickle.protocol.cluster.SinkProtocol.DeliveryFailed;
import dev.trickle.protocol.cluster.SinkProtocol.Event;
import dev.trickle.protocol.cluster.SinkProtocol.State;
import dev.trickle.protocol.cluster.StreamTableKey;
import dev.trickle.sharding.entity.Backoff;
import dev.trickle.sharding.entity.JournalPolicy;
import dev.trickle.sinks.ducklake.Delivery;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream table's sink in the cluster: sharded by {@link StreamTableKey}, event-sourced.
 * Told that deltas may be waiting, it delivers them one refresh at a time until none is left;
 * a failed delivery (S3 down, PostgreSQL restarting) is recorded and retried after a backoff,
 * while refreshes go on and the stream table's buffer keeps the deltas. The sink frontier in
 * the catalog decides what is delivered; the journal records deliveries and failures.
 */
public final class SinkEntity extends EventSourcedBehavior<Command, Event, State> {
  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Sink");
  /** For the blocking threads, where the actor context's log must not be used. */
  private static final Logger LOG = LoggerFactory.getLogger(SinkEntity.class);

  /** A delivery's outcome: the delivery (empty: nothing left), or why it failed. */
  private record DeliveryDone(Optional<Delivery> delivery, String error) implements Command {}

  private enum Retry implements Command { INSTANCE }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final StreamTableKey key;
  private final SinkStore store;
  private final Backoff backoff;
  private final Executor blocking;
  private final Random random = new Random();
  private boolean delivering;
  private boolean waitingToRetry;
  private boolean askedAgain;

  /** Registers the entity type with cluster sharding on this node. */
  public static void init(ActorSystem<?> system, Function<String, SinkStore> stores, Backoff backoff, Executor blocking) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, entityContext -> {
      StreamTableKey key = StreamTableKey.parse(entityContext.getEntityId());
      return create(key, stores.apply(key.database()), backoff, blocking);
    }));
  }

  /** The entity's behavior; {@code blocking} runs the deliveries. */
  public static Behavior<Command> create(StreamTableKey key, SinkStore store, Backoff backoff, Executor blocking) {
    return Behaviors.setup(context -> Behaviors.<Command>withTimers(timers ->
        new SinkEntity(context, timers, key, store, backoff, blocking)));
  }

  private SinkEntity(ActorContext<Command> context, TimerScheduler<Command> timers, StreamTableKey key,
      SinkStore store, Backoff backoff, Executor blocking) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), key.entityId()),
        JournalPolicy.ON_FAILURE);
    this.context = context;
    this.timers = timers;
    this.key = key;
    this.store = store;
    this.backoff = backoff;
    this.blocking = blocking;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return JournalPolicy.RETENTION;
  }

  /**
   * After recovery (a start, a move to another node, a restart after the journal failed) no
   * delivery or retry of this incarnation is pending: look for work at once.
   */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      delivering = false;
      waitingToRetry = false;
      context.getSelf().tell(DeltaAvailable.INSTANCE);
    }).build();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(DeltaAvailable.class, (state, command) -> onDeltaAvailable())
        .onCommand(Retry.class, (state, command) -> onRetry())
        .onCommand(DeliveryDone.class, this::onDeliveryDone)
        .build();
  }

  private Effect<Event, State> onDeltaAvailable() {
    if (delivering) {
      askedAgain = true;
    } else if (!waitingToRetry) {
      deliver();
    }
    return Effect().none();
  }

  private Effect<Event, State> onRetry() {
    waitingToRetry = false;
    if (!delivering) {
      deliver();
    }
    return Effect().none();
  }

  private void deliver() {
    delivering = true;
    askedAgain = false;
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> store.deliverNext(key.id()), blocking), (delivery, error) -> error == null ? new DeliveryDone(delivery, null)
        : new DeliveryDone(Optional.empty(), describe(error)));
  }

  private Effect<Event, State> onDeliveryDone(State state, DeliveryDone done) {
    delivering = false;
    if (done.error() != null) {
      int attempt = state.consecutiveFailures() + 1;
      context.getLog().warn("delivery of {} to its sink failed (attempt {}): {}", key, attempt, done.error());
      CompletableFuture.runAsync(() -> store.recordFailure(key.id(), done.error()), blocking)
          .exceptionally(error -> {
            LOG.debug("could not record the sink failure of {}: {}", key, describe(error));
            return null;
          });
      waitingToRetry = true;
      timers.startSingleTimer(Retry.INSTANCE, backoff.delay(attempt, random));
      return Effect().persist(new DeliveryFailed(done.error()));
    }
    if (done.delivery().isEmpty()) {
      if (askedAgain) {
        deliver();
      }
      return Effect().none();
    }
    Delivery delivery = done.delivery().get();
    deliver();
    return Effect().persist(new Delivered(delivery.refreshId(), delivery.snapshotId(), delivery.deltaRows()));
  }

  private static String describe(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Delivered.class, (state, event) -> new State(event.refreshId(), 0))
        .onEvent(DeliveryFailed.class, (state, event) -> new State(state.deliveredRefreshId(),
            state.consecutiveFailures() + 1))
        .build();
  }
}
