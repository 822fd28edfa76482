package dev.trickle.sharding;

/** Stream tables whose dependencies form a cycle; the message names them. */
public final class CycleException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  CycleException(String message) {
    super(message);
  }
}
