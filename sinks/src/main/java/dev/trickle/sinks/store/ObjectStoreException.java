package dev.trickle.sinks.store;

/**
 * An object store could not do what it was asked.
 *
 * @see #isTransient()
 */
public final class ObjectStoreException extends RuntimeException {
  private final boolean transientFailure;

  public ObjectStoreException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  /**
   * Whether trying again later may succeed unchanged: the store was unreachable, timed out or
   * throttled; not when access was denied or the bucket does not exist.
   */
  public boolean isTransient() {
    return transientFailure;
  }
}
