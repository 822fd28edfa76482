package dev.trickle.protocol;

/** Who asked for a refresh, as recorded in {@code pgtrickle.pgt_refresh_history.initiated_by}. */
public enum InitiatedBy {
  SCHEDULER,
  MANUAL,
  INITIAL;

  /** Parses a value as stored in the catalog. */
  public static InitiatedBy parse(String text) {
    return Keyword.parse(InitiatedBy.class, text, "initiator");
  }
}
