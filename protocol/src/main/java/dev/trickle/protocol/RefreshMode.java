package dev.trickle.protocol;

/**
 * How a stream table is kept up to date, as requested by its owner ({@code refresh_mode}).
 * {@link #AUTO} lets the engine choose DIFFERENTIAL when it can maintain the query and FULL
 * otherwise; the choice it made is the table's effective mode.
 */
public enum RefreshMode {
  AUTO,
  FULL,
  DIFFERENTIAL,
  IMMEDIATE;

  /** Parses a mode name case-insensitively; the error names the valid modes. */
  public static RefreshMode parse(String text) {
    return Keyword.parse(RefreshMode.class, text, "refresh mode");
  }
}
