package dev.trickle.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waiting, in tests, for something other threads or processes do. */
public final class Eventually {
  private static final long POLL_MILLIS = 50;

  private Eventually() {}

  /** The first value {@code condition} yields, asked every 50 ms; fails the test after {@code timeout}. */
  public static <T> T until(String what, Duration timeout, Supplier<Optional<T>> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<T> result = condition.get();
      if (result.isPresent()) {
        return result.get();
      }
      sleep(POLL_MILLIS);
    }
    return fail("timed out after " + timeout + " waiting until " + what);
  }

  /** Waits until {@code condition} holds; fails the test after {@code timeout}. */
  public static void holds(String what, Duration timeout, Supplier<Boolean> condition) {
    until(what, timeout, () -> Optional.of(true).filter(ok -> condition.get()));
  }

  /** Sleeps, ending early (with the interrupt kept) when interrupted. */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
