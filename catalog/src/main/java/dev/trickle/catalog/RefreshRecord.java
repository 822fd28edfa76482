package dev.trickle.catalog;

import dev.trickle.protocol.InitiatedBy;
import dev.trickle.protocol.RefreshAction;
import java.time.Duration;
import java.time.Instant;

/** One row of {@code pgtrickle.pgt_refresh_history}. */
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
    String errorMessage) {

  /** How long the refresh took, or zero when it has no end time. */
  public Duration duration() {
    return endTime == null ? Duration.ZERO : Duration.between(startTime, endTime);
  }
}
