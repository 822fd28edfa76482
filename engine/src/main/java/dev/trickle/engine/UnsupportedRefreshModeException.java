package dev.trickle.engine;

/** The requested refresh mode cannot maintain the defining query; the message says why. */
public final class UnsupportedRefreshModeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnsupportedRefreshModeException(String message) {
    super(message);
  }
}
