package dev.trickle.catalog;

import java.util.List;

/**
 * A stream table compared with its defining query (EXCEPT ALL both ways, NULL-safe).
 *
 * @param refreshed whether the stream table was refreshed (in the comparing transaction,
 *     then rolled back) so that both sides describe the same snapshot
 * @param extraRows rows the stream table has and the query does not (up to a sample limit),
 *     each as PostgreSQL's row text
 * @param missingRows rows the query returns and the stream table lacks (up to the limit)
 */
public record Verification(
    String streamTable,
    boolean refreshed,
    long extraCount,
    long missingCount,
    List<String> extraRows,
    List<String> missingRows) {

  /** Whether the stream table equals its query. */
  public boolean matches() {
    return extraCount == 0 && missingCount == 0;
  }
}
