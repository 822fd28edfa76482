package dev.trickle.sharding.coordinator;

import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.protocol.StreamTableId;
import dev.trickle.sharding.CycleException;
import dev.trickle.sharding.DiamondGroups;
import dev.trickle.sharding.InvalidScheduleException;
import dev.trickle.sharding.RefreshDag;
import dev.trickle.sharding.RefreshPlanner;
import dev.trickle.sharding.Schedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a coordinator plans with, built from one catalog snapshot: the stream tables, their
 * DAG and schedules, and the atomic diamond groups. Immutable.
 */
final class RefreshPlan {
  private final Map<StreamTableId, StreamTableInfo> tables;
  private final RefreshPlanner planner;
  private final Map<StreamTableId, List<StreamTableId>> groups;

  private RefreshPlan(Map<StreamTableId, StreamTableInfo> tables, RefreshPlanner planner,
      Map<StreamTableId, List<StreamTableId>> groups) {
    this.tables = tables;
    this.planner = planner;
    this.groups = groups;
  }

  /**
   * The plan of a snapshot. Tables with a schedule that does not parse, or in a dependency
   * cycle, are left out and reported to {@code warnings} (the SQL API prevents both).
   */
  static RefreshPlan of(CatalogSnapshot snapshot, Duration calculatedFallback, Consumer<String> warnings) {
    Map<StreamTableId, StreamTableInfo> tables = new LinkedHashMap<>();
    Map<StreamTableId, Schedule> schedules = new HashMap<>();
    for (StreamTableInfo table : snapshot.tables()) {
      try {
        schedules.put(table.id(), Schedule.parse(table.schedule()));
        tables.put(table.id(), table);
      } catch (InvalidScheduleException e) {
        warnings.accept("stream table " + table.displayName() + " is not scheduled: " + e.getMessage());
      }
    }
    RefreshDag dag;
    try {
      dag = RefreshDag.of(tables.keySet(), snapshot.edges());
    } catch (CycleException e) {
      warnings.accept("nothing is scheduled: " + e.getMessage());
      return new RefreshPlan(Map.of(), RefreshPlanner.of(RefreshDag.of(List.of(), List.of()), Map.of(), calculatedFallback),
          Map.of());
    }
    List<StreamTableId> atomic = tables.values().stream().filter(StreamTableInfo::atomicDiamond).map(StreamTableInfo::id)
        .toList();
    return new RefreshPlan(Collections.unmodifiableMap(tables), RefreshPlanner.of(dag, schedules, calculatedFallback),
        DiamondGroups.of(dag, atomic, snapshot.sources()));
  }

  Map<StreamTableId, StreamTableInfo> tables() {
    return tables;
  }

  RefreshPlanner planner() {
    return planner;
  }

  RefreshDag dag() {
    return planner.dag();
  }

  /** Every table, each after the tables it reads. */
  List<StreamTableId> order() {
    return dag().topologicalOrder();
  }

  /** What refreshes when {@code id} does: its atomic diamond group (apex last), or just itself. */
  List<StreamTableId> groupOf(StreamTableId id) {
    return groups.getOrDefault(id, List.of(id));
  }

  /** The apexes of atomic diamond groups. */
  java.util.Set<StreamTableId> groupApexes() {
    return groups.keySet();
  }

  /** Tables whose status or program differ in {@code next}, or that are gone from it. */
  List<StreamTableId> changedOrGone(RefreshPlan next) {
    List<StreamTableId> changed = new ArrayList<>();
    tables.forEach((id, table) -> {
      StreamTableInfo now = next.tables.get(id);
      if (now == null || now.status() != table.status() || now.programVersion() != table.programVersion()) {
        changed.add(id);
      }
    });
    return changed;
  }
}
