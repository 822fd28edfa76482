package dev.trickle.sharding.coordinator;

import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.protocol.StreamTableId;
import dev.trickle.protocol.StreamTableStatus;
import dev.trickle.protocol.cluster.CoordinatorProtocol.CatalogChanged;
import dev.trickle.protocol.cluster.CoordinatorProtocol.Command;
import dev.trickle.protocol.cluster.CoordinatorProtocol.NodeLeft;
import dev.trickle.protocol.cluster.StreamTableKey;
import dev.trickle.protocol.cluster.StreamTableProtocol;
import dev.trickle.protocol.cluster.StreamTableProtocol.Outcome;
import dev.trickle.protocol.cluster.StreamTableProtocol.RefreshReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Keeps one database's stream tables fresh (a cluster singleton per database). It reads the
 * catalog at start, on every change notification and on a periodic scan (compiling tables
 * defined through SQL), and on every tick asks the stream tables that are due to refresh, in
 * waves: a table is asked only once none of the tables it reads is due or refreshing, so it
 * never refreshes against upstream state older than the wave's; a {@code calculated} table is
 * asked as soon as a table it reads changed. At most
 * {@link CoordinatorSettings#maxConcurrentRefreshes()} refreshes run at once. A duration
 * schedule counts from when the last refresh was asked, not from when it finished, so a table
 * on a 1 s schedule whose refresh takes 300 ms starts one every second. It keeps no
 * durable state: a coordinator that moves to another node starts again from the catalog.
 */
public final class RefreshCoordinator extends AbstractBehavior<Command> {
  private enum Tick implements Command { INSTANCE }

  private enum Scan implements Command { INSTANCE }

  /** Ask again what is in flight: repeated for a few seconds after a node left, until its shards moved. */
  private enum AskAgain implements Command { INSTANCE }

  private record Loaded(CatalogSnapshot snapshot) implements Command {}

  private record LoadFailed(String error) implements Command {}

  private record Answered(StreamTableId id, RefreshReply reply) implements Command {}

  private record Unanswered(StreamTableId id) implements Command {}

  private final String database;
  private final CatalogSource catalog;
  private final Function<StreamTableKey, RecipientRef<StreamTableProtocol.Command>> entities;
  private final CoordinatorSettings settings;
  private final Executor blocking;
  /** After a node left: how often, and how many times, to ask again what is in flight. */
  private static final Duration ASK_AGAIN_INTERVAL = Duration.ofMillis(500);
  private static final int ASK_AGAIN_ROUNDS = 10;

  private final TimerScheduler<Command> timers;
  private final AutoCloseable listener;
  private final Map<StreamTableId, Instant> lastRefresh = new HashMap<>();
  /** When each table in flight was asked to refresh. */
  private final Map<StreamTableId, Instant> askedAt = new HashMap<>();
  private final Map<StreamTableId, Instant> retryAt = new HashMap<>();
  private final Set<StreamTableId> inFlight = new HashSet<>();
  private final Set<StreamTableId> upstreamChanged = new HashSet<>();
  private final Set<StreamTableId> paused = new HashSet<>();
  /** Due tables the last pass found ready but could not ask within the cap, longest-waiting first. */
  private final Queue<StreamTableId> ready = new ArrayDeque<>();
  private RefreshPlan plan;
  private boolean loading;
  private long wave;
  private int askAgainRounds;

  /**
   * The coordinator of {@code database}.
   *
   * @param entities the entity of each stream table (sharding in a cluster, probes in tests)
   * @param listener starts telling the coordinator (through its context) {@link CatalogChanged}
   *     on catalog notifications and {@link NodeLeft} when a node leaves; closed when the
   *     coordinator stops
   * @param blocking runs the catalog's JDBC calls
   */
  public static Behavior<Command> create(String database, CatalogSource catalog,
      Function<StreamTableKey, RecipientRef<StreamTableProtocol.Command>> entities,
      Function<ActorContext<Command>, AutoCloseable> listener, CoordinatorSettings settings, Executor blocking) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new RefreshCoordinator(context, timers, database, catalog, entities, listener, settings, blocking)));
  }

  private RefreshCoordinator(ActorContext<Command> context, TimerScheduler<Command> timers, String database,
      CatalogSource catalog, Function<StreamTableKey, RecipientRef<StreamTableProtocol.Command>> entities,
      Function<ActorContext<Command>, AutoCloseable> listener, CoordinatorSettings settings, Executor blocking) {
    super(context);
    this.timers = timers;
    this.database = database;
    this.catalog = catalog;
    this.entities = entities;
    this.settings = settings;
    this.blocking = blocking;
    this.listener = listener.apply(context);
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
    timers.startTimerWithFixedDelay(Scan.INSTANCE, settings.scan());
    load();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Scan.INSTANCE, this::onScan)
        .onMessageEquals(CatalogChanged.INSTANCE, this::onScan)
        .onMessageEquals(NodeLeft.INSTANCE, this::onNodeLeft)
        .onMessageEquals(AskAgain.INSTANCE, this::onAskAgain)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(LoadFailed.class, this::onLoadFailed)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Unanswered.class, this::onUnanswered)
        .onSignal(PostStop.class, signal -> onStop())
        .build();
  }

  private Behavior<Command> onScan() {
    load();
    return this;
  }

  private void load() {
    if (loading) {
      return;
    }
    loading = true;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(catalog::load, blocking),
        (snapshot, error) -> error == null ? new Loaded(snapshot) : new LoadFailed(String.valueOf(error.getMessage())));
  }

  private Behavior<Command> onLoaded(Loaded loaded) {
    loading = false;
    RefreshPlan next = RefreshPlan.of(loaded.snapshot(), settings.calculatedFallback(),
        message -> getContext().getLog().warn("database {}: {}", database, message));
    if (plan != null) {
      plan.changedOrGone(next).forEach(id -> entity(id).tell(StreamTableProtocol.Reconcile.INSTANCE));
    }
    for (StreamTableInfo table : next.tables().values()) {
      lastRefresh.putIfAbsent(table.id(), table.lastRefreshAt());
    }
    lastRefresh.keySet().retainAll(next.tables().keySet());
    paused.clear();
    plan = next;
    dispatchDue(true);
    return this;
  }

  private Behavior<Command> onLoadFailed(LoadFailed failed) {
    loading = false;
    getContext().getLog().warn("database {}: cannot read the catalog, trying again at the next scan: {}", database,
        failed.error());
    return this;
  }

  private Behavior<Command> onTick() {
    dispatchDue(true);
    return this;
  }

  /**
   * Asks every due table whose inputs are settled to refresh, the longest-waiting first, within
   * the concurrency cap; the ones left over wait in {@link #ready} for the next free slot. A
   * member of an atomic diamond whose apex is due refreshes in the apex's group, not alone.
   */
  private void dispatchDue(boolean newWave) {
    ready.clear();
    if (plan == null || shuttingDown()) {
      return;
    }
    Instant now = settings.clock().instant();
    Set<StreamTableId> waiting = new HashSet<>(inFlight);
    Set<StreamTableId> inDueGroups = new HashSet<>();
    for (StreamTableId apex : plan.groupApexes()) {
      if (due(apex, now)) {
        plan.groupOf(apex).stream().filter(member -> !member.equals(apex)).forEach(inDueGroups::add);
      }
    }
    List<StreamTableId> eligible = new ArrayList<>();
    for (StreamTableId id : plan.order()) {
      if (inDueGroups.contains(id)) {
        waiting.add(id);
        continue;
      }
      if (!due(id, now)) {
        continue;
      }
      List<StreamTableId> members = plan.groupOf(id);
      if (!readsAnyOf(members, waiting) && members.stream().noneMatch(inFlight::contains)) {
        eligible.add(id);
      }
      // Due in this wave: whatever reads it waits until it refreshed.
      waiting.addAll(members);
    }
    if (eligible.isEmpty()) {
      return;
    }
    if (newWave) {
      wave++;
    }
    eligible.sort(Comparator.comparing(id -> lastRefresh.get(id), Comparator.nullsFirst(Comparator.naturalOrder())));
    ready.addAll(eligible);
    dispatchReady();
  }

  /** Asks the tables found ready by the last pass, in order, while the concurrency cap allows. */
  private void dispatchReady() {
    if (shuttingDown()) {
      return;
    }
    Instant now = settings.clock().instant();
    while (!ready.isEmpty() && inFlight.size() < settings.maxConcurrentRefreshes()) {
      StreamTableId id = ready.poll();
      if (!plan.tables().containsKey(id) || !due(id, now)) {
        continue;
      }
      List<StreamTableId> members = plan.groupOf(id);
      if (!readsAnyOf(members, inFlight) && members.stream().noneMatch(inFlight::contains)) {
        ask(id, members);
      }
    }
  }

  /** Whether a group (or single table) reads, from outside itself, any of {@code tables}. */
  private boolean readsAnyOf(List<StreamTableId> members, Set<StreamTableId> tables) {
    return members.stream().flatMap(member -> plan.dag().upstreams(member).stream())
        .anyMatch(upstream -> tables.contains(upstream) && !members.contains(upstream));
  }

  /**
   * Whether this node is leaving: asking entities then would only queue requests in a shard
   * region that is handing its shards over (and hold its shutdown up); the coordinator's
   * successor on another node asks again.
   */
  private boolean shuttingDown() {
    return CoordinatedShutdown.get(getContext().getSystem()).getShutdownReason().isPresent();
  }

  private boolean due(StreamTableId id, Instant now) {
    StreamTableInfo table = plan.tables().get(id);
    if (table.status() != StreamTableStatus.ACTIVE || paused.contains(id) || inFlight.contains(id)) {
      return false;
    }
    Instant retry = retryAt.get(id);
    if (retry != null && now.isBefore(retry)) {
      return false;
    }
    return upstreamChanged.contains(id) || plan.planner().dueBySchedule(id, lastRefresh.get(id), now);
  }

  private void ask(StreamTableId id, List<StreamTableId> members) {
    long requestWave = wave;
    inFlight.addAll(members);
    Instant now = settings.clock().instant();
    members.forEach(member -> askedAt.put(member, now));
    List<Long> memberIds = members.stream().map(StreamTableId::value).toList();
    getContext().ask(RefreshReply.class, entity(id), settings.refreshTimeout(),
        replyTo -> memberIds.size() == 1 ? new StreamTableProtocol.Refresh(requestWave, replyTo)
            : new StreamTableProtocol.RefreshGroup(requestWave, memberIds, replyTo),
        (reply, error) -> reply != null ? new Answered(id, reply) : new Unanswered(id));
  }

  private Behavior<Command> onAnswered(Answered answered) {
    StreamTableId id = answered.id();
    List<StreamTableId> members = plan == null ? List.of(id) : plan.groupOf(id);
    members.forEach(inFlight::remove);
    Instant now = settings.clock().instant();
    RefreshReply reply = answered.reply();
    switch (reply.outcome()) {
      case CHANGED, UNCHANGED, SKIPPED -> members.forEach(member ->
          refreshed(member, askedAt.getOrDefault(member, now), now, reply.outcome()));
      case FAILED, BACKING_OFF -> retryAt.put(id, reply.retryAt() == null ? now.plus(settings.tick()) : reply.retryAt());
      case SUSPENDED, DROPPED -> paused.add(id);
    }
    members.forEach(askedAt::remove);
    if (plan != null && members.stream().anyMatch(member -> !plan.dag().downstreams(member).isEmpty())) {
      // Tables reading this one may have waited for it, or follow it: look at everything again.
      dispatchDue(false);
    } else {
      dispatchReady();
    }
    return this;
  }

  private void refreshed(StreamTableId id, Instant asked, Instant now, Outcome outcome) {
    lastRefresh.put(id, asked);
    retryAt.remove(id);
    upstreamChanged.remove(id);
    if (outcome == Outcome.SKIPPED) {
      // Someone else (a manual refresh) held the lock and may have changed the table.
      retryAt.put(id, now.plus(settings.tick()));
    }
    if (outcome != Outcome.UNCHANGED && plan != null) {
      plan.dag().downstreams(id).stream().filter(plan.planner()::followsUpstreams).forEach(upstreamChanged::add);
    }
  }

  private Behavior<Command> onUnanswered(Unanswered unanswered) {
    // The entity may be moving to another node: ask again at the next tick; a refresh it is
    // still running answers every request.
    List<StreamTableId> members = plan == null ? List.of(unanswered.id()) : plan.groupOf(unanswered.id());
    members.forEach(inFlight::remove);
    members.forEach(askedAt::remove);
    getContext().getLog().debug("database {}: no answer from stream table {} in {}, asking again", database,
        unanswered.id(), settings.refreshTimeout());
    return this;
  }

  private Behavior<Command> onNodeLeft() {
    askAgainRounds = ASK_AGAIN_ROUNDS;
    timers.startTimerWithFixedDelay(AskAgain.INSTANCE, ASK_AGAIN_INTERVAL);
    return onAskAgain();
  }

  private Behavior<Command> onAskAgain() {
    if (--askAgainRounds <= 0) {
      timers.cancel(AskAgain.INSTANCE);
    }
    // Whatever was asked of entities on a node that left is lost (asked right away, an entity
    // may still be routed to it until its shard moved); entities still refreshing answer every
    // request, so asking again is harmless.
    inFlight.clear();
    dispatchDue(false);
    return this;
  }

  private RecipientRef<StreamTableProtocol.Command> entity(StreamTableId id) {
    return entities.apply(new StreamTableKey(database, id.value()));
  }

  private Behavior<Command> onStop() {
    try {
      listener.close();
    } catch (Exception e) {
      getContext().getLog().warn("database {}: closing the catalog listener failed: {}", database, e.getMessage());
    }
    return this;
  }
}
