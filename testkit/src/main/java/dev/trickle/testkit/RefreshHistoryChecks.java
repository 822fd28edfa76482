package dev.trickle.testkit;

/** Queries over {@code pgtrickle.pgt_refresh_history} that prove refreshes neither repeated nor skipped changes. */
public final class RefreshHistoryChecks {
  /**
   * Counts completed refreshes that did not start at the frontier the stream table's previous
   * completed refresh ended at: 0 means no range of changes was consumed twice or skipped.
   */
  public static final String BROKEN_FRONTIER_CHAINS = """
      SELECT count(*) FROM (
        SELECT frontier_from::text AS from_,
               lag(frontier_to::text) OVER (PARTITION BY pgt_id ORDER BY refresh_id) AS previous_to
          FROM pgtrickle.pgt_refresh_history WHERE status = 'COMPLETED'
      ) chain WHERE previous_to IS NOT NULL AND from_ IS DISTINCT FROM previous_to
      """;

  private RefreshHistoryChecks() {}
}
