package dev.trickle.node.chaos;

/** Reads from a database that may be down (a fault is on): the value, or null when it fails. */
final class Quietly {
  @FunctionalInterface
  interface Read<T> {
    T get() throws Exception;
  }

  private Quietly() {}

  static <T> T read(Read<T> read) {
    try {
      return read.get();
    } catch (Exception e) {
      return null;
    }
  }

  /** Whether the condition holds; false when it cannot be read. */
  static boolean holds(Read<Boolean> condition) {
    return Boolean.TRUE.equals(read(condition));
  }
}
