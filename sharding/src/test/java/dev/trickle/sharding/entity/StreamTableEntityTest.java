package dev.trickle.sharding.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.protocol.StreamTableId;
import dev.trickle.protocol.StreamTableStatus;
import dev.trickle.protocol.cluster.SinkProtocol;
import dev.trickle.protocol.cluster.StreamTableKey;
import dev.trickle.protocol.cluster.StreamTableProtocol.Command;
import dev.trickle.protocol.cluster.StreamTableProtocol.Event;
import dev.trickle.protocol.cluster.StreamTableProtocol.GetState;
import dev.trickle.protocol.cluster.StreamTableProtocol.Lifecycle;
import dev.trickle.protocol.cluster.StreamTableProtocol.Outcome;
import dev.trickle.protocol.cluster.StreamTableProtocol.Reconcile;
import dev.trickle.protocol.cluster.StreamTableProtocol.Refresh;
import dev.trickle.protocol.cluster.StreamTableProtocol.RefreshGroup;
import dev.trickle.protocol.cluster.StreamTableProtocol.RefreshReply;
import dev.trickle.protocol.cluster.StreamTableProtocol.State;
import dev.trickle.sharding.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamTableEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.parseString("pekko.loglevel = WARNING")).withFallback(ConfigFactory.load()));
  private static final StreamTableKey KEY = new StreamTableKey("orders-db", 7);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
  private final EntitySettings settings = new EntitySettings(3,
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 0), Duration.ofMillis(50), clock);
  private FakeStreamTableStore store;
  private EventSourcedBehaviorTestKit<Command, Event, State> entity;
  private TestProbe<RefreshReply> replies;
  private TestProbe<SinkProtocol.Command> sinkSignals;
  private final List<StreamTableKey> signalledSinks = new CopyOnWriteArrayList<>();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void startEntity() {
    store = new FakeStreamTableStore(KEY.id());
    sinkSignals = testKit.createTestProbe();
    entity = EventSourcedBehaviorTestKit.create(testKit.system(),
        StreamTableEntity.create(KEY, store, settings, Runnable::run, sinkKey -> {
          signalledSinks.add(sinkKey);
          return sinkSignals.ref();
        }));
    replies = testKit.createTestProbe();
  }

  private RefreshReply refresh(long wave) {
    entity.runCommand(new Refresh(wave, replies.ref()));
    return replies.receiveMessage(Duration.ofSeconds(3));
  }

  private State state() {
    TestProbe<State> states = testKit.createTestProbe();
    entity.runCommand(new GetState(states.ref()));
    return states.receiveMessage(Duration.ofSeconds(3));
  }

  @Test
  void shouldRegisterFromTheCatalogThenRefreshAndTellWhetherAnythingChanged() {
    store.willReturn(FakeStreamTableStore.changed(11, 4), FakeStreamTableStore.changed(12, 0));
    RefreshReply changed = refresh(1);
    assertEquals(new RefreshReply(KEY, 1, Outcome.CHANGED, null, null), changed);
    assertEquals(Outcome.UNCHANGED, refresh(2).outcome());
    State state = state();
    assertEquals(Lifecycle.ACTIVE, state.lifecycle());
    assertEquals(1, state.programVersion());
    assertEquals(1, state.refreshes(), "a refresh that changed nothing persists nothing");
    assertEquals(11, state.lastRefreshId());
  }

  @Test
  void shouldBackOffAfterAFailureAndSuspendAfterThreeConsecutiveFailures() {
    RefreshOutcome boom = new RefreshOutcome.Failed("division by zero", false);
    store.willReturn(boom, boom, boom);
    RefreshReply first = refresh(1);
    assertEquals(Outcome.FAILED, first.outcome());
    assertEquals(clock.instant().plusSeconds(1), first.retryAt());
    assertEquals(Outcome.BACKING_OFF, refresh(2).outcome(), "nothing runs before the backoff elapses");
    assertEquals(1, store.refreshes.size());
    clock.advance(Duration.ofSeconds(1));
    RefreshReply second = refresh(3);
    assertEquals(clock.instant().plusSeconds(2), second.retryAt(), "the backoff doubles");
    clock.advance(Duration.ofSeconds(2));
    RefreshReply third = refresh(4);
    assertEquals(Outcome.SUSPENDED, third.outcome());
    assertTrue(third.detail().startsWith("suspended after 3 consecutive failed refreshes; last error: division by zero"),
        third.detail());
    assertEquals(Lifecycle.SUSPENDED, state().lifecycle());
    assertEquals(List.of(third.detail()), store.suspensions, "the suspension is recorded in the catalog");
    clock.advance(Duration.ofMinutes(5));
    assertEquals(Outcome.SUSPENDED, refresh(5).outcome());
    assertEquals(3, store.refreshes.size());
  }

  @Test
  void shouldClearFailuresWhenAnUnrecordedRefreshFindsNothingToDo() {
    store.willReturn(FakeStreamTableStore.changed(5, 2), new RefreshOutcome.Failed("deadlock detected", false),
        new RefreshOutcome.Unchanged(), new RefreshOutcome.Unchanged());
    refresh(1);
    assertEquals(Outcome.FAILED, refresh(2).outcome());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Outcome.UNCHANGED, refresh(3).outcome());
    State recovered = state();
    assertEquals(0, recovered.failures());
    assertNull(recovered.retryAt());
    assertEquals(5, recovered.lastRefreshId(), "no history row was written, the last one stays");
    assertEquals(2, recovered.refreshes());
    assertEquals(Outcome.UNCHANGED, refresh(4).outcome());
    assertEquals(2, state().refreshes(), "an unrecorded refresh with nothing to recover from persists nothing");
  }

  @Test
  void shouldRetryTransientFailuresWithoutCountingThemTowardsSuspension() {
    RefreshOutcome unreachable = new RefreshOutcome.Failed("Connection refused", true);
    store.willReturn(unreachable, unreachable, unreachable, unreachable, FakeStreamTableStore.changed(3, 1));
    for (int attempt = 1; attempt <= 4; attempt++) {
      assertEquals(Outcome.FAILED, refresh(attempt).outcome());
      clock.advance(Duration.ofSeconds(8));
    }
    assertEquals(Outcome.CHANGED, refresh(5).outcome());
    State state = state();
    assertEquals(Lifecycle.ACTIVE, state.lifecycle());
    assertEquals(0, state.failures());
  }

  @Test
  void shouldFollowTheCatalogWhenAUserSuspendsResumesOrAltersTheTable() {
    assertEquals(Lifecycle.ACTIVE, registeredState().lifecycle());
    store.setEntry(FakeStreamTableStore.entry(KEY.id(), StreamTableStatus.SUSPENDED, 1, null));
    entity.runCommand(Reconcile.INSTANCE);
    assertEquals(Lifecycle.SUSPENDED, state().lifecycle());
    assertEquals("suspended by a user", state().lastError());
    assertEquals(Outcome.SUSPENDED, refresh(1).outcome());

    store.setEntry(FakeStreamTableStore.entry(KEY.id(), StreamTableStatus.ACTIVE, 2, null));
    entity.runCommand(Reconcile.INSTANCE);
    State resumed = state();
    assertEquals(Lifecycle.ACTIVE, resumed.lifecycle());
    assertEquals(2, resumed.programVersion());
    assertNull(resumed.lastError());
    assertEquals(Outcome.UNCHANGED, refresh(2).outcome());
  }

  /** The state once the entity registered from the catalog (it reads the catalog after recovery). */
  private State registeredState() {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    State state = state();
    while (state.lifecycle() == Lifecycle.UNREGISTERED && System.nanoTime() < deadline) {
      state = state();
    }
    return state;
  }

  @Test
  void shouldSayDroppedOnceTheTableIsGoneFromTheCatalog() {
    assertEquals(Lifecycle.ACTIVE, registeredState().lifecycle());
    store.setEntry(null);
    entity.runCommand(Reconcile.INSTANCE);
    assertEquals(Lifecycle.DROPPED, state().lifecycle());
    assertEquals(Outcome.DROPPED, refresh(1).outcome());
  }

  @Test
  void shouldRefreshADiamondGroupInOneCall() {
    entity.runCommand(new RefreshGroup(9, List.of(3L, 5L, KEY.id()), replies.ref()));
    assertEquals(Outcome.UNCHANGED, replies.receiveMessage().outcome());
    assertEquals(List.of(List.of(3L, 5L, KEY.id())), store.refreshes);
  }

  @Test
  void shouldTellTheSinksOfTheRefreshedTablesThatADeltaIsWaiting() {
    store.willReturn(FakeStreamTableStore.changed(21, 3, List.of(new StreamTableId(5), new StreamTableId(KEY.id()))),
        FakeStreamTableStore.changed(22, 1));
    entity.runCommand(new RefreshGroup(1, List.of(3L, 5L, KEY.id()), replies.ref()));
    assertEquals(Outcome.CHANGED, replies.receiveMessage().outcome());
    sinkSignals.expectMessage(SinkProtocol.DeltaAvailable.INSTANCE);
    sinkSignals.expectMessage(SinkProtocol.DeltaAvailable.INSTANCE);
    assertEquals(List.of(new StreamTableKey(KEY.database(), 5), KEY), signalledSinks);
    assertEquals(Outcome.CHANGED, refresh(2).outcome());
    sinkSignals.expectNoMessage(Duration.ofMillis(200));
    assertEquals(2, signalledSinks.size(), "a refresh of tables without sinks signals none");
  }

  @Test
  void shouldSurviveARestartWithItsLifecycle() {
    store.willReturn(new RefreshOutcome.Failed("boom", false));
    refresh(1);
    entity.restart();
    State recovered = state();
    assertEquals(1, recovered.failures());
    assertEquals("boom", recovered.lastError());
  }
}
