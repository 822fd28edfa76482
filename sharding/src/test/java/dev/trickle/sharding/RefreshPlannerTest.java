package dev.trickle.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.protocol.StreamTableId;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RefreshPlannerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static StreamTableId id(long value) {
    return new StreamTableId(value);
  }

  private static RefreshPlanner fraudPlanner() {
    return RefreshPlanner.of(RefreshDagTest.fraudShape(), Map.of(
        id(1), Schedule.parse("1s"), id(2), Schedule.parse("1s"), id(3), Schedule.parse("1s"),
        id(4), Schedule.parse("calculated"), id(5), Schedule.parse("calculated"),
        id(6), Schedule.parse("5s"), id(7), Schedule.parse("calculated")), Duration.ofMinutes(1));
  }

  @Test
  void shouldResolveCalculatedToTheFastestDownstreamSchedule() {
    RefreshPlanner planner = fraudPlanner();
    assertEquals(Optional.of(Duration.ofSeconds(5)), planner.effectiveInterval(id(4)), "min of 5s and calculated(1m)");
    assertEquals(Optional.of(Duration.ofMinutes(1)), planner.effectiveInterval(id(5)), "nothing downstream: fallback");
    assertEquals(Optional.of(Duration.ofSeconds(1)), planner.effectiveInterval(id(1)));
  }

  @Test
  void shouldBeDueWhenTheIntervalHasPassed() {
    RefreshPlanner planner = fraudPlanner();
    assertTrue(planner.dueBySchedule(id(1), null, T0), "never refreshed");
    assertFalse(planner.dueBySchedule(id(1), T0, T0.plusMillis(999)));
    assertTrue(planner.dueBySchedule(id(1), T0, T0.plusSeconds(1)));
    assertFalse(planner.dueBySchedule(id(4), T0, T0.plusSeconds(4)));
    assertTrue(planner.dueBySchedule(id(4), T0, T0.plusSeconds(5)));
  }

  @Test
  void shouldFollowUpstreamsOnlyWhenCalculated() {
    RefreshPlanner planner = fraudPlanner();
    assertTrue(planner.followsUpstreams(id(4)));
    assertFalse(planner.followsUpstreams(id(6)));
  }

  @Test
  void shouldFireCronSchedulesAtTheirNextTime() {
    RefreshPlanner planner = RefreshPlanner.of(RefreshDagTest.fraudShape(), Map.of(id(1), Schedule.parse("*/5 * * * *")),
        Duration.ofMinutes(1));
    Instant last = Instant.parse("2026-01-01T10:01:00Z");
    assertEquals(Optional.empty(), planner.effectiveInterval(id(1)));
    assertFalse(planner.dueBySchedule(id(1), last, Instant.parse("2026-01-01T10:04:59Z")));
    assertTrue(planner.dueBySchedule(id(1), last, Instant.parse("2026-01-01T10:05:00Z")));
  }
}
