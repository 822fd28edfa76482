package dev.trickle.node.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waiting, in multi-process tests, for something other processes do. */
final class Eventually {
  private Eventually() {}

  /** The first value {@code condition} yields, asked every 200 ms; fails the test after {@code timeout}. */
  static <T> T until(String what, Duration timeout, Supplier<Optional<T>> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<T> result = condition.get();
      if (result.isPresent()) {
        return result.get();
      }
      sleep(200);
    }
    return fail("timed out after " + timeout + " waiting until " + what);
  }

  /** Waits until {@code condition} holds; fails the test after {@code timeout}. */
  static void holds(String what, Duration timeout, Supplier<Boolean> condition) {
    until(what, timeout, () -> Optional.of(true).filter(ok -> condition.get()));
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
