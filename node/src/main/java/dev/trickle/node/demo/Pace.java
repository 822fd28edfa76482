package dev.trickle.node.demo;

/**
 * A generator's clock: it is ticked every 100 ms and turns a rate per second into the events due
 * at each tick (fractions carry over, so one event per second is one every tenth tick), and
 * says when periodic moments (a burst, a flash sale) come.
 */
final class Pace {
  static final int TICKS_PER_SECOND = 10;

  private final int perSecond;
  private double owed;
  private long ticks;

  Pace(int perSecond) {
    this.perSecond = perSecond;
  }

  int perSecond() {
    return perSecond;
  }

  /** Advances one tick and returns how many events are due now. */
  int tick() {
    ticks++;
    owed += perSecond / (double) TICKS_PER_SECOND;
    int due = (int) owed;
    owed -= due;
    return due;
  }

  /** Whether the current tick starts a whole second. */
  boolean onSecond() {
    return ticks % TICKS_PER_SECOND == 0;
  }

  /** Whether the current tick is a periodic moment: first after {@code firstSeconds}, then every {@code everySeconds}. */
  boolean every(int everySeconds, int firstSeconds) {
    return ticks % (everySeconds * (long) TICKS_PER_SECOND) == firstSeconds * (long) TICKS_PER_SECOND;
  }
}
