package dev.trickle.sharding;

import dev.trickle.protocol.StreamTableId;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides when stream tables are due. A duration schedule is due once that long has passed
 * since the last refresh; a cron schedule at its next firing after the last refresh. A
 * {@code calculated} table refreshes right after any table it reads produced changes, and
 * otherwise as often as the most frequent duration schedule downstream of it (or the fallback
 * when nothing downstream has one). Immutable.
 */
public final class RefreshPlanner {
  private final RefreshDag dag;
  private final Map<StreamTableId, Schedule> schedules;
  private final Map<StreamTableId, Duration> intervals;

  private RefreshPlanner(RefreshDag dag, Map<StreamTableId, Schedule> schedules, Map<StreamTableId, Duration> intervals) {
    this.dag = dag;
    this.schedules = schedules;
    this.intervals = intervals;
  }

  /** A planner for the tables in {@code dag} with the given schedules. */
  public static RefreshPlanner of(RefreshDag dag, Map<StreamTableId, Schedule> schedules, Duration calculatedFallback) {
    Map<StreamTableId, Duration> intervals = new LinkedHashMap<>();
    List<StreamTableId> order = dag.topologicalOrder();
    for (int i = order.size() - 1; i >= 0; i--) {
      StreamTableId id = order.get(i);
      Schedule schedule = schedules.getOrDefault(id, Schedule.Calculated.INSTANCE);
      if (schedule instanceof Schedule.Every every) {
        intervals.put(id, every.interval());
      } else if (schedule instanceof Schedule.Calculated) {
        intervals.put(id, dag.downstreams(id).stream().map(intervals::get).filter(d -> d != null)
            .min(Duration::compareTo).orElse(calculatedFallback));
      }
    }
    return new RefreshPlanner(dag, Map.copyOf(schedules), Collections.unmodifiableMap(intervals));
  }

  /** The graph this planner schedules. */
  public RefreshDag dag() {
    return dag;
  }

  /** The interval a duration or calculated schedule resolves to; empty for cron schedules. */
  public Optional<Duration> effectiveInterval(StreamTableId id) {
    return Optional.ofNullable(intervals.get(id));
  }

  /** Whether the table should refresh because its schedule says so. */
  public boolean dueBySchedule(StreamTableId id, Instant lastRefresh, Instant now) {
    if (lastRefresh == null) {
      return true;
    }
    Schedule schedule = schedules.getOrDefault(id, Schedule.Calculated.INSTANCE);
    if (schedule instanceof Schedule.Cron cron) {
      return !now.isBefore(cron.nextAfter(lastRefresh));
    }
    return !now.isBefore(lastRefresh.plus(intervals.get(id)));
  }

  /** Whether the table refreshes right after a table it reads changed ({@code calculated}). */
  public boolean followsUpstreams(StreamTableId id) {
    return schedules.getOrDefault(id, Schedule.Calculated.INSTANCE) instanceof Schedule.Calculated;
  }
}
