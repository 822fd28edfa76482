package dev.trickle.catalog;

import dev.trickle.protocol.InitiatedBy;
import dev.trickle.protocol.RefreshAction;
import java.time.Duration;
import java.time.Instant;

/**
 * One row of {@code pgtrickle.pgt_refresh_history}.
 *
 * @param reason why the action differs from the stream table's mode (e.g. a FULL refresh of a
 *     DIFFERENTIAL table after a TRUNCATE); null when it does not
 */
public record RefreshRecord(
    long refreshId,
    String streamTable,
    Instant startTime,
    Instant endTime,
    RefreshAction action,
    String status,
    long rowsInserted,
    long rowsUpdated,
    long rowsDeleted,
    long deltaRowCount,
    InitiatedBy initiatedBy,
    String reason,
    String errorMessage) {

  /** How long the refresh took, or zero when it has no end time. */
  public Duration duration() {
    return endTime == null ? Duration.ZERO : Duration.between(startTime, endTime);
  }
}
