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

  /**
   * Completed refreshes of a stream table that ran while another completed refresh of it was
   * still running (each is recorded from the moment it held the table's refresh lock to its
   * end): 0 means the lock fenced every refresh, whichever node ran it. Each row names the
   * refresh, its node and the node of the refresh that started just before it.
   */
  public static final String OVERLAPPING_REFRESHES = """
      SELECT refresh_id, node, previous_node FROM (
        SELECT refresh_id, node, start_time,
               max(end_time) OVER earlier AS previous_end,
               last_value(node) OVER earlier AS previous_node
          FROM pgtrickle.pgt_refresh_history WHERE status = 'COMPLETED'
        WINDOW earlier AS (PARTITION BY pgt_id ORDER BY start_time, refresh_id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
      ) ordered WHERE start_time < previous_end
      """;

  private RefreshHistoryChecks() {}
}
