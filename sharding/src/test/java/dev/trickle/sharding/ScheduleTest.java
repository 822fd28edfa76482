package dev.trickle.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void shouldParseDurations() {
    assertEquals(new Schedule.Every(Duration.ofMillis(500)), Schedule.parse("500ms"));
    assertEquals(new Schedule.Every(Duration.ofSeconds(5)), Schedule.parse(" 5S "));
    assertEquals(new Schedule.Every(Duration.ofMinutes(90)), Schedule.parse("1h30m"));
    assertEquals(new Schedule.Every(Duration.ofDays(14)), Schedule.parse("2w"));
  }

  @Test
  void shouldParseCalculatedCronAndAliases() {
    assertEquals(Schedule.Calculated.INSTANCE, Schedule.parse("CALCULATED"));
    assertEquals(new Schedule.Cron("*/5 * * * *"), Schedule.parse("*/5  * * * *"));
    assertEquals(new Schedule.Cron("0 0 * * *"), Schedule.parse("@daily"));
    assertEquals(new Schedule.Cron("0 6 * * MON-FRI"), Schedule.parse("0 6 * * mon-fri"));
  }

  @Test
  void shouldComputeTheNextCronFiringInUtc() {
    Schedule.Cron everyFiveMinutes = (Schedule.Cron) Schedule.parse("*/5 * * * *");
    assertEquals(Instant.parse("2026-01-01T10:05:00Z"), everyFiveMinutes.nextAfter(Instant.parse("2026-01-01T10:01:00Z")));
    Schedule.Cron withSeconds = (Schedule.Cron) Schedule.parse("30 * * * * *");
    assertEquals(Instant.parse("2026-01-01T10:01:30Z"), withSeconds.nextAfter(Instant.parse("2026-01-01T10:01:00Z")));
    Schedule.Cron sundays = (Schedule.Cron) Schedule.parse("0 12 * * 7");
    assertEquals(Instant.parse("2026-01-04T12:00:00Z"), sundays.nextAfter(Instant.parse("2026-01-01T00:00:00Z")));
  }

  @Test
  void shouldRejectBadSchedulesNamingTheProblem() {
    assertTrue(assertThrows(InvalidScheduleException.class, () -> Schedule.parse("")).getMessage().contains("empty"));
    assertTrue(assertThrows(InvalidScheduleException.class, () -> Schedule.parse("50ms")).getMessage().contains("out of range"));
    assertTrue(assertThrows(InvalidScheduleException.class, () -> Schedule.parse("400d")).getMessage().contains("out of range"));
    assertTrue(assertThrows(InvalidScheduleException.class, () -> Schedule.parse("5 seconds")).getMessage().contains("invalid schedule"));
    assertTrue(assertThrows(InvalidScheduleException.class, () -> Schedule.parse("61 * * * *")).getMessage().contains("invalid cron"));
  }
}
