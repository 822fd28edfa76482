package dev.trickle.sharding.entity;

import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.catalog.RefreshRecord;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.protocol.InitiatedBy;
import dev.trickle.protocol.RefreshAction;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.protocol.StreamTableId;
import dev.trickle.protocol.StreamTableStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** A store whose catalog row and refresh outcomes the test sets; it records what it was asked. */
final class FakeStreamTableStore implements StreamTableStore {
  private volatile StreamTableInfo entry;
  private final Deque<RefreshOutcome> outcomes = new ArrayDeque<>();
  final List<List<Long>> refreshes = new ArrayList<>();
  final List<String> suspensions = new ArrayList<>();

  FakeStreamTableStore(long id) {
    this.entry = entry(id, StreamTableStatus.ACTIVE, 1, null);
  }

  static StreamTableInfo entry(long id, StreamTableStatus status, long programVersion, String lastError) {
    return new StreamTableInfo(new StreamTableId(id), "public", "t" + id, "public.t" + id, "SELECT 1", "1s",
        RefreshMode.AUTO, Optional.of(RefreshMode.DIFFERENTIAL), null, status, true, 0, lastError, null, null, true,
        programVersion, false);
  }

  synchronized void setEntry(StreamTableInfo entry) {
    this.entry = entry;
  }

  synchronized void willReturn(RefreshOutcome... next) {
    outcomes.addAll(List.of(next));
  }

  static RefreshOutcome changed(long refreshId, long rows) {
    return changed(refreshId, rows, List.of());
  }

  /** A completed refresh that left a delta for the sinks of {@code sinks}. */
  static RefreshOutcome changed(long refreshId, long rows, List<StreamTableId> sinks) {
    return new RefreshOutcome.Completed(new RefreshRecord(refreshId, "public.t", Instant.EPOCH, Instant.EPOCH,
        RefreshAction.DIFFERENTIAL, "COMPLETED", rows, 0, 0, rows, InitiatedBy.SCHEDULER, null, null), sinks);
  }

  @Override
  public synchronized Optional<StreamTableInfo> read(long id) {
    return Optional.ofNullable(entry);
  }

  @Override
  public synchronized RefreshOutcome refresh(List<Long> members) {
    refreshes.add(members);
    return outcomes.isEmpty() ? changed(refreshes.size(), 0) : outcomes.removeFirst();
  }

  @Override
  public synchronized void suspend(long id, String reason) {
    suspensions.add(reason);
    entry = entry(id, StreamTableStatus.SUSPENDED, entry.programVersion(), reason);
  }
}
