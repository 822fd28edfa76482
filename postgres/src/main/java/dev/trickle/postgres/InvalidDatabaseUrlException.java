package dev.trickle.postgres;

/** A database URL that cannot be understood; the message says what is wrong with it. */
public final class InvalidDatabaseUrlException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  InvalidDatabaseUrlException(String message) {
    super(message);
  }
}
