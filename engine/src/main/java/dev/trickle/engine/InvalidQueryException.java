package dev.trickle.engine;

/** A defining query that is not a single SELECT statement. */
public final class InvalidQueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidQueryException(String message) {
    super(message);
  }
}
