package dev.trickle.sharding.entity;

import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.catalog.RefreshRecord;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.protocol.RefreshAction;
import dev.trickle.protocol.StreamTableStatus;
import dev.trickle.protocol.cluster.SinkProtocol;
import dev.trickle.protocol.cluster.StreamTableKey;
import dev.trickle.protocol.cluster.StreamTableProtocol.Altered;
import dev.trickle.protocol.cluster.StreamTableProtocol.Command;
import dev.trickle.protocol.cluster.StreamTableProtocol.Dropped;
import dev.trickle.protocol.cluster.StreamTableProtocol.Event;
import dev.trickle.protocol.cluster.StreamTableProtocol.Failed;
import dev.trickle.protocol.cluster.StreamTableProtocol.GetState;
import dev.trickle.protocol.cluster.StreamTableProtocol.Lifecycle;
import dev.trickle.protocol.cluster.StreamTableProtocol.Outcome;
import dev.trickle.protocol.cluster.StreamTableProtocol.Passivate;
import dev.trickle.protocol.cluster.StreamTableProtocol.Reconcile;
import dev.trickle.protocol.cluster.StreamTableProtocol.Refresh;
import dev.trickle.protocol.cluster.StreamTableProtocol.RefreshGroup;
import dev.trickle.protocol.cluster.StreamTableProtocol.RefreshReply;
import dev.trickle.protocol.cluster.StreamTableProtocol.Refreshed;
import dev.trickle.protocol.cluster.StreamTableProtocol.Registered;
import dev.trickle.protocol.cluster.StreamTableProtocol.Resumed;
import dev.trickle.protocol.cluster.StreamTableProtocol.State;
import dev.trickle.protocol.cluster.StreamTableProtocol.Suspended;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One stream table in the cluster: sharded by {@link StreamTableKey}, event-sourced. It runs
 * the stream table's refreshes through the catalog's refresh driver (one transaction each,
 * fenced by the table's advisory lock), backs off after failures and suspends the table after
 * {@link EntitySettings#maxConsecutiveFailures()} of them, and persists its lifecycle. On
 * recovery, and whenever told the catalog changed, it reads the catalog and follows it: the
 * catalog wins. Refreshes that commit nothing new persist nothing, so the journal grows with
 * changes, not with ticks. Passivated while refreshing (its shard handed to another node),
 * it stops once the refresh has ended. A committed refresh that left a delta for sinks tells
 * their {@code SinkEntity}s at once.
 */
public final class StreamTableEntity extends EventSourcedBehavior<Command, Event, State> {
  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "StreamTable");

  /** The outcome of a store call, delivered back to the entity. */
  private record RefreshDone(RefreshOutcome outcome) implements Command {}

  /** The catalog's view of the table (empty: dropped), or why it could not be read. */
  private record Reconciled(Optional<StreamTableInfo> entry, String error) implements Command {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final StreamTableKey key;
  private final StreamTableStore store;
  private final EntitySettings settings;
  private final Executor blocking;
  private final Function<StreamTableKey, RecipientRef<SinkProtocol.Command>> sinks;
  private final Random random = new Random();
  private final List<ActorRef<RefreshReply>> waiting = new ArrayList<>();
  private long wave;
  private boolean refreshing;
  private int transientFailures;
  private Instant transientRetryAt;

  /** Registers the entity type with cluster sharding on this node. */
  public static void init(ActorSystem<?> system, Function<String, StreamTableStore> stores, EntitySettings settings,
      Executor blocking, Function<StreamTableKey, RecipientRef<SinkProtocol.Command>> sinks) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, entityContext -> {
      StreamTableKey key = StreamTableKey.parse(entityContext.getEntityId());
      return create(key, stores.apply(key.database()), settings, blocking, sinks);
    }).withStopMessage(Passivate.INSTANCE));
  }

  /**
   * The entity's behavior; {@code blocking} runs the store's JDBC calls, {@code sinks} finds a
   * stream table's sink entity.
   */
  public static Behavior<Command> create(StreamTableKey key, StreamTableStore store, EntitySettings settings,
      Executor blocking, Function<StreamTableKey, RecipientRef<SinkProtocol.Command>> sinks) {
    return Behaviors.setup(context -> Behaviors.<Command>withTimers(timers ->
        new StreamTableEntity(context, timers, key, store, settings, blocking, sinks)));
  }

  private StreamTableEntity(ActorContext<Command> context, TimerScheduler<Command> timers, StreamTableKey key,
      StreamTableStore store, EntitySettings settings, Executor blocking,
      Function<StreamTableKey, RecipientRef<SinkProtocol.Command>> sinks) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), key.entityId()),
        JournalPolicy.ON_FAILURE);
    this.context = context;
    this.timers = timers;
    this.key = key;
    this.store = store;
    this.settings = settings;
    this.blocking = blocking;
    this.sinks = sinks;
  }

  @Override
  public State emptyState() {
    return State.initial();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return JournalPolicy.RETENTION;
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> context.getSelf().tell(Reconcile.INSTANCE))
        .build();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    CommandHandlerBuilder<Command, Event, State> builder = newCommandHandlerBuilder();
    builder.forState(state -> state.lifecycle() == Lifecycle.UNREGISTERED)
        .onCommand(Refresh.class, command -> Effect().stash())
        .onCommand(RefreshGroup.class, command -> Effect().stash());
    builder.forState(state -> state.lifecycle() == Lifecycle.ACTIVE)
        .onCommand(Refresh.class, (state, command) -> onRefresh(state, command.wave(), List.of(key.id()), command.replyTo()))
        .onCommand(RefreshGroup.class, (state, command) -> onRefresh(state, command.wave(), command.members(),
            command.replyTo()));
    builder.forState(state -> state.lifecycle() == Lifecycle.SUSPENDED || state.lifecycle() == Lifecycle.DROPPED)
        .onCommand(Refresh.class, (state, command) -> refuse(state, command.wave(), command.replyTo()))
        .onCommand(RefreshGroup.class, (state, command) -> refuse(state, command.wave(), command.replyTo()));
    builder.forAnyState()
        .onCommand(RefreshDone.class, this::onRefreshDone)
        .onCommand(Reconcile.class, command -> onReconcile())
        .onCommand(Reconciled.class, this::onReconciled)
        .onCommand(GetState.class, (state, command) -> Effect().reply(command.replyTo(), state))
        .onCommand(Passivate.class, command -> refreshing ? Effect().stash() : Effect().stop());
    return builder.build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  private Effect<Event, State> onRefresh(State state, long requestedWave, List<Long> members,
      ActorRef<RefreshReply> replyTo) {
    if (refreshing) {
      waiting.add(replyTo);
      return Effect().none();
    }
    Instant now = settings.clock().instant();
    Instant retryAt = retryAt(state);
    if (retryAt != null && now.isBefore(retryAt)) {
      return Effect().reply(replyTo, reply(requestedWave, Outcome.BACKING_OFF, retryAt, state.lastError()));
    }
    refreshing = true;
    wave = requestedWave;
    waiting.add(replyTo);
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> store.refresh(members), blocking),
        (outcome, error) -> new RefreshDone(error == null ? outcome
            : new RefreshOutcome.Failed(String.valueOf(error.getMessage()), true)));
    return Effect().none();
  }

  private Effect<Event, State> refuse(State state, long requestedWave, ActorRef<RefreshReply> replyTo) {
    Outcome outcome = state.lifecycle() == Lifecycle.DROPPED ? Outcome.DROPPED : Outcome.SUSPENDED;
    return Effect().reply(replyTo, reply(requestedWave, outcome, null, state.lastError()));
  }

  private Effect<Event, State> onRefreshDone(State state, RefreshDone done) {
    refreshing = false;
    List<ActorRef<RefreshReply>> replyTos = List.copyOf(waiting);
    waiting.clear();
    Instant now = settings.clock().instant();
    if (done.outcome() instanceof RefreshOutcome.Completed completed) {
      completed.sinks().forEach(id -> sinks.apply(new StreamTableKey(key.database(), id.value()))
          .tell(SinkProtocol.DeltaAvailable.INSTANCE));
      return onCompleted(state, completed.record(), now, replyTos);
    }
    if (done.outcome() instanceof RefreshOutcome.Unchanged) {
      return onUnchanged(state, now, replyTos);
    }
    if (done.outcome() instanceof RefreshOutcome.Skipped) {
      return replyAll(Effect().none(), replyTos, Outcome.SKIPPED, null, null);
    }
    RefreshOutcome.Failed failed = (RefreshOutcome.Failed) done.outcome();
    if (failed.transientError()) {
      // The database (perhaps the journal's too) is unreachable or busy: back off in memory only.
      transientFailures++;
      transientRetryAt = now.plus(settings.backoff().delay(transientFailures, random));
      context.getLog().warn("stream table {}: refresh failed, retrying at {}: {}", key, transientRetryAt, failed.message());
      return replyAll(Effect().none(), replyTos, Outcome.FAILED, transientRetryAt, failed.message());
    }
    int failures = state.failures() + 1;
    if (failures >= settings.maxConsecutiveFailures()) {
      String reason = "suspended after " + failures + " consecutive failed refreshes; last error: " + failed.message();
      context.getLog().warn("stream table {}: {}", key, reason);
      return replyAll(Effect().persist(List.of(new Failed(failed.message(), true, null, now), new Suspended(reason, now)))
          .thenRun(newState -> recordSuspension(reason)), replyTos, Outcome.SUSPENDED, null, reason);
    }
    Instant retryAt = now.plus(settings.backoff().delay(failures, random));
    context.getLog().warn("stream table {}: refresh failed ({} of {}), retrying at {}: {}", key, failures,
        settings.maxConsecutiveFailures(), retryAt, failed.message());
    return replyAll(Effect().persist(new Failed(failed.message(), true, retryAt, now)), replyTos, Outcome.FAILED, retryAt,
        failed.message());
  }

  private Effect<Event, State> onCompleted(State state, RefreshRecord record, Instant now,
      List<ActorRef<RefreshReply>> replyTos) {
    long rows = record.rowsInserted() + record.rowsUpdated() + record.rowsDeleted();
    return onSucceeded(state, new Refreshed(record.refreshId(), record.action(), rows, now), replyTos);
  }

  private Effect<Event, State> onUnchanged(State state, Instant now, List<ActorRef<RefreshReply>> replyTos) {
    return onSucceeded(state, new Refreshed(Refreshed.NOT_RECORDED, RefreshAction.NO_DATA, 0, now), replyTos);
  }

  /** A refresh that changed nothing and follows no failure persists nothing. */
  private Effect<Event, State> onSucceeded(State state, Refreshed refreshed, List<ActorRef<RefreshReply>> replyTos) {
    transientFailures = 0;
    transientRetryAt = null;
    Outcome outcome = refreshed.rowsChanged() > 0 ? Outcome.CHANGED : Outcome.UNCHANGED;
    if (refreshed.rowsChanged() == 0 && state.failures() == 0 && state.retryAt() == null) {
      return replyAll(Effect().none(), replyTos, outcome, null, null);
    }
    return replyThenPersist(refreshed, replyTos, outcome);
  }

  private void recordSuspension(String reason) {
    CompletableFuture.runAsync(() -> store.suspend(key.id(), reason), blocking).whenComplete((done, error) -> {
      if (error != null) {
        context.getSystem().log().warn("stream table {}: could not record the suspension in the catalog: {}", key,
            error.getMessage());
      }
    });
  }

  private Effect<Event, State> onReconcile() {
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> store.read(key.id()), blocking),
        (entry, error) -> error == null ? new Reconciled(entry, null)
            : new Reconciled(Optional.empty(), String.valueOf(error.getMessage())));
    return Effect().none();
  }

  private Effect<Event, State> onReconciled(State state, Reconciled reconciled) {
    if (reconciled.error() != null) {
      context.getLog().warn("stream table {}: cannot read the catalog, trying again in {}: {}", key,
          settings.reconcileRetry(), reconciled.error());
      timers.startSingleTimer(Reconcile.INSTANCE, settings.reconcileRetry());
      return Effect().none();
    }
    Instant now = settings.clock().instant();
    List<Event> events = catalogEvents(state, reconciled.entry(), now);
    if (events.isEmpty()) {
      return Effect().none().thenUnstashAll();
    }
    context.getLog().info("stream table {}: following the catalog: {}", key, events);
    return Effect().persist(events).thenUnstashAll();
  }

  /** The events that bring the entity in line with the catalog's row (empty: the table was dropped). */
  private static List<Event> catalogEvents(State state, Optional<StreamTableInfo> entry, Instant now) {
    List<Event> events = new ArrayList<>();
    if (entry.isEmpty()) {
      if (state.lifecycle() != Lifecycle.DROPPED) {
        events.add(new Dropped(now));
      }
      return events;
    }
    StreamTableInfo table = entry.get();
    Lifecycle lifecycle = state.lifecycle();
    if (lifecycle == Lifecycle.UNREGISTERED || lifecycle == Lifecycle.DROPPED) {
      events.add(new Registered(table.programVersion(), now));
      lifecycle = Lifecycle.ACTIVE;
    } else if (table.programVersion() != state.programVersion()) {
      events.add(new Altered(table.programVersion(), now));
    }
    boolean suspendedInCatalog = table.status() == StreamTableStatus.SUSPENDED;
    if (suspendedInCatalog && lifecycle != Lifecycle.SUSPENDED) {
      events.add(new Suspended(table.lastError() == null ? "suspended by a user" : table.lastError(), now));
    } else if (!suspendedInCatalog && lifecycle == Lifecycle.SUSPENDED) {
      events.add(new Resumed(now));
    }
    return events;
  }

  private Instant retryAt(State state) {
    if (transientRetryAt == null) {
      return state.retryAt();
    }
    return state.retryAt() == null || transientRetryAt.isAfter(state.retryAt()) ? transientRetryAt : state.retryAt();
  }

  private RefreshReply reply(long requestedWave, Outcome outcome, Instant retryAt, String detail) {
    return new RefreshReply(key, requestedWave, outcome, retryAt, detail);
  }

  /**
   * Answers a successful refresh at once, then records it: the refresh is committed in the
   * database whatever becomes of the event, so downstream tables need not wait for the journal.
   */
  private Effect<Event, State> replyThenPersist(Refreshed refreshed, List<ActorRef<RefreshReply>> replyTos,
      Outcome outcome) {
    RefreshReply reply = reply(wave, outcome, null, null);
    replyTos.forEach(replyTo -> replyTo.tell(reply));
    return Effect().persist(refreshed).thenUnstashAll();
  }

  private Effect<Event, State> replyAll(EffectBuilder<Event, State> effect,
      List<ActorRef<RefreshReply>> replyTos, Outcome outcome, Instant retryAt, String detail) {
    RefreshReply reply = reply(wave, outcome, retryAt, detail);
    // A passivation waiting for the refresh (its shard moving away) goes on now.
    return effect.thenRun(newState -> replyTos.forEach(replyTo -> replyTo.tell(reply))).thenUnstashAll();
  }
}
