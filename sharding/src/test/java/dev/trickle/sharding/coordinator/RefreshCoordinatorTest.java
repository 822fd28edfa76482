package dev.trickle.sharding.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.trickle.catalog.StreamTableEdge;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.catalog.StreamTableSource;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.protocol.StreamTableId;
import dev.trickle.protocol.StreamTableStatus;
import dev.trickle.protocol.cluster.CoordinatorProtocol;
import dev.trickle.protocol.cluster.StreamTableKey;
import dev.trickle.protocol.cluster.StreamTableProtocol.Command;
import dev.trickle.protocol.cluster.StreamTableProtocol.Outcome;
import dev.trickle.protocol.cluster.StreamTableProtocol.Reconcile;
import dev.trickle.protocol.cluster.StreamTableProtocol.Refresh;
import dev.trickle.protocol.cluster.StreamTableProtocol.RefreshGroup;
import dev.trickle.protocol.cluster.StreamTableProtocol.RefreshReply;
import dev.trickle.sharding.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RefreshCoordinatorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  private static final Duration QUIET = Duration.ofMillis(150);

  private final MutableClock clock = new MutableClock(T0);
  private final Map<Long, TestProbe<Command>> entities = new HashMap<>();
  private volatile CatalogSnapshot snapshot = new CatalogSnapshot(List.of(), List.of(), List.of());
  private ActorRef<CoordinatorProtocol.Command> coordinator;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void stopCoordinator() {
    if (coordinator != null) {
      testKit.stop(coordinator);
    }
  }

  private static StreamTableInfo table(long id, String schedule, StreamTableStatus status, boolean atomic) {
    return new StreamTableInfo(new StreamTableId(id), "public", "t" + id, "public.t" + id, "SELECT 1", schedule,
        RefreshMode.AUTO, Optional.of(RefreshMode.DIFFERENTIAL), null, status, true, 0, null, T0, T0, true, 1, atomic);
  }

  private static StreamTableInfo table(long id, String schedule) {
    return table(id, schedule, StreamTableStatus.ACTIVE, false);
  }

  private static StreamTableEdge edge(long consumer, long upstream) {
    return new StreamTableEdge(new StreamTableId(consumer), new StreamTableId(upstream));
  }

  private void start(int maxConcurrent, Duration refreshTimeout) {
    CoordinatorSettings settings = new CoordinatorSettings(Duration.ofMillis(20), Duration.ofHours(1), refreshTimeout,
        maxConcurrent, Duration.ofMinutes(1), clock);
    coordinator = testKit.spawn(RefreshCoordinator.create("db", () -> snapshot,
        key -> probe(key).ref(), context -> () -> { }, settings, Runnable::run));
  }

  private void start() {
    start(4, Duration.ofSeconds(5));
  }

  private synchronized TestProbe<Command> probe(StreamTableKey key) {
    assertEquals("db", key.database());
    return entities.computeIfAbsent(key.id(), id -> testKit.createTestProbe("entity-" + id));
  }

  private Refresh expectRefresh(long id) {
    return assertInstanceOf(Refresh.class, probe(new StreamTableKey("db", id)).receiveMessage(Duration.ofSeconds(2)));
  }

  private void expectNothing(long id) {
    probe(new StreamTableKey("db", id)).expectNoMessage(QUIET);
  }

  private static void answer(Refresh refresh, long id, Outcome outcome) {
    refresh.replyTo().tell(new RefreshReply(new StreamTableKey("db", id), refresh.wave(), outcome, null, null));
  }

  @Test
  void shouldPropagateAChangeDownACalculatedChainRightAway() {
    snapshot = new CatalogSnapshot(List.of(table(1, "1s"), table(2, "calculated"), table(3, "calculated")),
        List.of(edge(2, 1), edge(3, 2)), List.of());
    start();
    expectNothing(1);
    clock.advance(Duration.ofSeconds(1));
    Refresh first = expectRefresh(1);
    expectNothing(2);
    answer(first, 1, Outcome.CHANGED);
    answer(expectRefresh(2), 2, Outcome.CHANGED);
    answer(expectRefresh(3), 3, Outcome.UNCHANGED);
    expectNothing(1);
  }

  @Test
  void shouldNotRefreshATableWhileATableItReadsIsRefreshing() {
    snapshot = new CatalogSnapshot(List.of(table(1, "1s"), table(2, "1s")), List.of(edge(2, 1)), List.of());
    start();
    clock.advance(Duration.ofSeconds(1));
    Refresh upstream = expectRefresh(1);
    expectNothing(2);
    answer(upstream, 1, Outcome.UNCHANGED);
    Refresh downstream = expectRefresh(2);
    assertEquals(upstream.wave(), downstream.wave(), "both belong to the wave that found them due");
  }

  @Test
  void shouldRunNoMoreRefreshesAtOnceThanTheCap() {
    List<StreamTableInfo> tables = new ArrayList<>();
    for (long id = 1; id <= 5; id++) {
      tables.add(table(id, "1s"));
    }
    snapshot = new CatalogSnapshot(tables, List.of(), List.of());
    start(2, Duration.ofSeconds(5));
    clock.advance(Duration.ofSeconds(1));
    Refresh first = expectRefresh(1);
    Refresh second = expectRefresh(2);
    expectNothing(3);
    answer(first, 1, Outcome.UNCHANGED);
    Refresh third = expectRefresh(3);
    expectNothing(4);
    answer(second, 2, Outcome.UNCHANGED);
    answer(third, 3, Outcome.UNCHANGED);
    expectRefresh(4);
    expectRefresh(5);
  }

  @Test
  void shouldAskTheLongestWaitingTableFirstWhenTheCapIsReached() {
    snapshot = new CatalogSnapshot(List.of(table(1, "1s"), table(2, "1s"), table(3, "1s")), List.of(), List.of());
    start(1, Duration.ofSeconds(5));
    clock.advance(Duration.ofSeconds(1));
    answer(expectRefresh(1), 1, Outcome.CHANGED);
    Refresh second = expectRefresh(2);
    clock.advance(Duration.ofSeconds(1));
    answer(second, 2, Outcome.CHANGED);
    expectNothing(1);
    answer(expectRefresh(3), 3, Outcome.CHANGED);
    expectRefresh(1);
    expectNothing(2);
  }

  @Test
  void shouldCountADurationScheduleFromWhenTheLastRefreshWasAsked() {
    snapshot = new CatalogSnapshot(List.of(table(1, "1s")), List.of(), List.of());
    start();
    clock.advance(Duration.ofSeconds(1));
    Refresh first = expectRefresh(1);
    clock.advance(Duration.ofMillis(300));
    answer(first, 1, Outcome.CHANGED);
    clock.advance(Duration.ofMillis(600));
    expectNothing(1);
    clock.advance(Duration.ofMillis(100));
    expectRefresh(1);
  }

  @Test
  void shouldWaitUntilTheEntitySaysARetryMayStart() {
    snapshot = new CatalogSnapshot(List.of(table(1, "1s")), List.of(), List.of());
    start();
    clock.advance(Duration.ofSeconds(1));
    Refresh refresh = expectRefresh(1);
    refresh.replyTo().tell(new RefreshReply(new StreamTableKey("db", 1), refresh.wave(), Outcome.FAILED,
        clock.instant().plusSeconds(30), "boom"));
    clock.advance(Duration.ofSeconds(29));
    expectNothing(1);
    clock.advance(Duration.ofSeconds(1));
    expectRefresh(1);
  }

  @Test
  void shouldAskAgainWhenAnEntityDoesNotAnswer() {
    snapshot = new CatalogSnapshot(List.of(table(1, "1s")), List.of(), List.of());
    start(4, Duration.ofMillis(200));
    clock.advance(Duration.ofSeconds(1));
    expectRefresh(1);
    expectRefresh(1);
  }

  @Test
  void shouldRefreshAnAtomicDiamondInOneGroup() {
    long orders = 16_400;
    snapshot = new CatalogSnapshot(
        List.of(table(1, "calculated"), table(2, "calculated"), table(3, "1s", StreamTableStatus.ACTIVE, true)),
        List.of(edge(3, 1), edge(3, 2)),
        List.of(new StreamTableSource(new StreamTableId(1), orders, Optional.empty()),
            new StreamTableSource(new StreamTableId(2), orders, Optional.empty()),
            new StreamTableSource(new StreamTableId(3), 501, Optional.of(new StreamTableId(1))),
            new StreamTableSource(new StreamTableId(3), 502, Optional.of(new StreamTableId(2)))));
    start();
    clock.advance(Duration.ofSeconds(1));
    RefreshGroup group = assertInstanceOf(RefreshGroup.class, probe(new StreamTableKey("db", 3)).receiveMessage());
    assertEquals(List.of(1L, 2L, 3L), group.members());
  }

  @Test
  void shouldPickUpNewTablesAndTellEntitiesWhenTheCatalogChanges() {
    start();
    snapshot = new CatalogSnapshot(List.of(table(1, "1s")), List.of(), List.of());
    coordinator.tell(CoordinatorProtocol.CatalogChanged.INSTANCE);
    clock.advance(Duration.ofSeconds(1));
    answer(expectRefresh(1), 1, Outcome.UNCHANGED);
    snapshot = new CatalogSnapshot(List.of(table(1, "1s", StreamTableStatus.SUSPENDED, false)), List.of(), List.of());
    coordinator.tell(CoordinatorProtocol.CatalogChanged.INSTANCE);
    assertEquals(Reconcile.INSTANCE, probe(new StreamTableKey("db", 1)).receiveMessage());
    clock.advance(Duration.ofSeconds(5));
    expectNothing(1);
  }
}
