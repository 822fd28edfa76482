package dev.trickle.protocol;

/**
 * Lifecycle of a stream table as recorded in {@code pgtrickle.pgt_stream_tables.status}.
 *
 * <p>INITIALIZING until a Trickle process has compiled its refresh program; ACTIVE while it is
 * refreshed; SUSPENDED when paused by a user or after repeated failures; ERROR when its
 * definition cannot be maintained as requested (the reason is stored with it).
 */
public enum StreamTableStatus {
  INITIALIZING,
  ACTIVE,
  SUSPENDED,
  ERROR;

  /** Parses a status name case-insensitively; the error names the valid statuses. */
  public static StreamTableStatus parse(String text) {
    return Keyword.parse(StreamTableStatus.class, text, "status");
  }
}
