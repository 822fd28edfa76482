package dev.trickle.catalog;

import dev.trickle.protocol.StreamTableId;
import java.util.List;

/** What happened when a refresh was attempted. */
public sealed interface RefreshOutcome {
  /**
   * The refresh committed; its history row (the last member's, for a group).
   *
   * @param sinks the refreshed stream tables whose sinks have a new delta to deliver
   */
  record Completed(RefreshRecord record, List<StreamTableId> sinks) implements RefreshOutcome {
    public Completed {
      sinks = List.copyOf(sinks);
    }
  }

  /**
   * A scheduled refresh found no changes to its sources and wrote no history row (only the
   * stream table's {@code data_timestamp} and {@code last_refresh_at} moved on).
   */
  record Unchanged() implements RefreshOutcome {}

  /** Another session was refreshing the same stream table; nothing was done. */
  record Skipped() implements RefreshOutcome {}

  /**
   * The refresh failed and was rolled back; the failure is recorded in the history when the
   * database could be reached.
   *
   * @param transientError whether trying again later may succeed unchanged (see
   *     {@link CatalogException#isTransient()})
   */
  record Failed(String message, boolean transientError) implements RefreshOutcome {}
}
