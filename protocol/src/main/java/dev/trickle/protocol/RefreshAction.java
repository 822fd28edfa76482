package dev.trickle.protocol;

/** What one refresh did, as recorded in {@code pgtrickle.pgt_refresh_history.action}. */
public enum RefreshAction {
  /** No source changed since the last refresh; only the frontier advanced. */
  NO_DATA,
  /** The defining query was recomputed and the difference applied. */
  FULL,
  /** Only the changes since the last refresh were processed. */
  DIFFERENTIAL,
  /** The stream table was rebuilt after its definition changed. */
  REINITIALIZE,
  /** Another session held the refresh lock; nothing was done. */
  SKIP;

  /** Parses an action as stored in the catalog. */
  public static RefreshAction parse(String text) {
    return Keyword.parse(RefreshAction.class, text, "refresh action");
  }
}
