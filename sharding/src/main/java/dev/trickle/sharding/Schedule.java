package dev.trickle.sharding;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a stream table is refreshed, parsed from the text stored in the catalog. The grammar is
 * the one {@code pgtrickle._normalize_schedule} accepts: a duration ({@code 500ms}, {@code 5s},
 * {@code 1h30m}; 100 ms to 366 days), a 5-field or 6-field (seconds first) cron expression
 * evaluated in UTC, a cron alias ({@code @hourly} ...), or {@code calculated}.
 */
public sealed interface Schedule {
  Duration MINIMUM = Duration.ofMillis(100);
  Duration MAXIMUM = Duration.ofDays(366);

  /**
   * Parses a schedule.
   *
   * @throws InvalidScheduleException naming what is wrong
   */
  static Schedule parse(String text) {
    return ScheduleParser.parse(text);
  }

  /** Refresh when the data is older than {@code interval}. */
  record Every(Duration interval) implements Schedule {
    public Every {
      if (interval.compareTo(MINIMUM) < 0 || interval.compareTo(MAXIMUM) > 0) {
        throw new InvalidScheduleException(
            "schedule of " + interval.toMillis() + "ms is out of range: durations must be between 100ms and 366d");
      }
    }
  }

  /** Refresh at the times a cron expression names (UTC). */
  record Cron(String expression) implements Schedule {
    /** The first firing strictly after {@code after}. */
    public Instant nextAfter(Instant after) {
      ExecutionTime times = ExecutionTime.forCron(ScheduleParser.cronParser(expression).parse(expression));
      return times.nextExecution(ZonedDateTime.ofInstant(after, ZoneOffset.UTC))
          .map(ZonedDateTime::toInstant)
          .orElse(Instant.MAX);
    }
  }

  /** Refresh as often as the stream tables that read this one need, and after its sources change. */
  enum Calculated implements Schedule {
    INSTANCE
  }
}

/** The parser behind {@link Schedule#parse}; kept in step with the SQL validator. */
final class ScheduleParser {
  private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d|w)");
  private static final Pattern DURATIONS = Pattern.compile("(" + DURATION.pattern() + ")+");
  private static final Map<String, String> ALIASES = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  private static final Pattern RANGE = Pattern.compile("(?<![A-Z0-9])([A-Z0-9]+)-([A-Z0-9]+)");
  private static final String MONTHS = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
  private static final String DAYS = "SUNMONTUEWEDTHUFRISAT";
  private static final CronParser FIVE_FIELDS = new CronParser(definition(false));
  private static final CronParser SIX_FIELDS = new CronParser(definition(true));

  private ScheduleParser() {}

  static Schedule parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (trimmed.isEmpty()) {
      throw new InvalidScheduleException(
          "schedule must not be empty; use a duration such as '5s', a cron expression, or 'calculated'");
    }
    if (lower.equals("calculated")) {
      return Schedule.Calculated.INSTANCE;
    }
    if (DURATIONS.matcher(lower).matches()) {
      return new Schedule.Every(duration(lower, trimmed));
    }
    if (ALIASES.containsKey(lower)) {
      return new Schedule.Cron(ALIASES.get(lower));
    }
    String[] fields = trimmed.split("\\s+");
    if (fields.length != 5 && fields.length != 6) {
      throw new InvalidScheduleException("invalid schedule '" + trimmed + "': expected a duration such as '5s' or "
          + "'1h30m', a cron expression with 5 or 6 fields, an alias such as '@hourly', or 'calculated'");
    }
    String expression = String.join(" ", fields).toUpperCase(Locale.ROOT);
    rejectBackwardRanges(expression, trimmed);
    try {
      cronParser(expression).parse(expression).validate();
    } catch (IllegalArgumentException e) {
      throw new InvalidScheduleException("invalid cron expression '" + trimmed + "': " + e.getMessage());
    }
    return new Schedule.Cron(expression);
  }

  private static Duration duration(String lower, String original) {
    BigInteger millis = BigInteger.ZERO;
    Matcher part = DURATION.matcher(lower);
    while (part.find()) {
      long unit = switch (part.group(2)) {
        case "ms" -> 1;
        case "s" -> 1_000;
        case "m" -> 60_000;
        case "h" -> 3_600_000;
        case "d" -> 86_400_000;
        default -> 604_800_000;
      };
      millis = millis.add(new BigInteger(part.group(1)).multiply(BigInteger.valueOf(unit)));
    }
    if (millis.compareTo(BigInteger.valueOf(Schedule.MINIMUM.toMillis())) < 0
        || millis.compareTo(BigInteger.valueOf(Schedule.MAXIMUM.toMillis())) > 0) {
      throw new InvalidScheduleException(
          "schedule '" + original + "' is out of range: durations must be between 100ms and 366d");
    }
    return Duration.ofMillis(millis.longValueExact());
  }

  /** cron-utils wraps ranges such as 5-1 around; cron (and the SQL validator) rejects them. */
  private static void rejectBackwardRanges(String expression, String original) {
    Matcher range = RANGE.matcher(expression);
    while (range.find()) {
      if (rangeValue(range.group(1)) > rangeValue(range.group(2))) {
        throw new InvalidScheduleException(
            "invalid cron expression '" + original + "': range " + range.group() + " goes backwards");
      }
    }
  }

  private static int rangeValue(String value) {
    if (value.chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(value);
    }
    int month = MONTHS.indexOf(value);
    return month >= 0 ? month / 3 + 1 : DAYS.indexOf(value) / 3;
  }

  static CronParser cronParser(String expression) {
    return expression.trim().split("\\s+").length == 6 ? SIX_FIELDS : FIVE_FIELDS;
  }

  private static CronDefinition definition(boolean withSeconds) {
    var builder = CronDefinitionBuilder.defineCron();
    if (withSeconds) {
      builder = builder.withSeconds().and();
    }
    return builder
        .withMinutes().and()
        .withHours().and()
        .withDayOfMonth().supportsQuestionMark().and()
        .withMonth().and()
        .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).supportsQuestionMark().and()
        .instance();
  }
}
