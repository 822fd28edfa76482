package dev.trickle.sharding;

/** A schedule text that is not a duration, cron expression, alias or 'calculated'. */
public final class InvalidScheduleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  InvalidScheduleException(String message) {
    super(message);
  }
}
