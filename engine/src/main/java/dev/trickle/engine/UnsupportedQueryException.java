package dev.trickle.engine;

/**
 * A defining query uses a construct the differential engine cannot maintain; {@link #construct()}
 * names it for users (AUTO falls back to FULL with it as the reason).
 */
public final class UnsupportedQueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String construct;

  public UnsupportedQueryException(String construct) {
    super(construct);
    this.construct = construct;
  }

  /** The construct, e.g. "FULL OUTER JOIN" or "volatile function random()". */
  public String construct() {
    return construct;
  }
}
