package dev.trickle.sharding;

import dev.trickle.catalog.StreamTableEdge;
import dev.trickle.protocol.StreamTableId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The graph of stream tables reading stream tables. Immutable; built from the catalog and
 * rejected if it has a cycle.
 */
public final class RefreshDag {
  private final Map<StreamTableId, Set<StreamTableId>> upstreams;
  private final Map<StreamTableId, Set<StreamTableId>> downstreams;
  private final List<StreamTableId> order;

  private RefreshDag(Map<StreamTableId, Set<StreamTableId>> upstreams, Map<StreamTableId, Set<StreamTableId>> downstreams,
      List<StreamTableId> order) {
    this.upstreams = upstreams;
    this.downstreams = downstreams;
    this.order = order;
  }

  /**
   * Builds the graph; edges to tables not in {@code tables} are ignored.
   *
   * @throws CycleException if the edges form a cycle
   */
  public static RefreshDag of(Collection<StreamTableId> tables, Collection<StreamTableEdge> edges) {
    Map<StreamTableId, Set<StreamTableId>> up = new LinkedHashMap<>();
    Map<StreamTableId, Set<StreamTableId>> down = new LinkedHashMap<>();
    tables.stream().sorted(Comparator.comparingLong(StreamTableId::value)).forEach(id -> {
      up.put(id, new LinkedHashSet<>());
      down.put(id, new LinkedHashSet<>());
    });
    for (StreamTableEdge edge : edges) {
      if (up.containsKey(edge.consumer()) && up.containsKey(edge.upstream())) {
        up.get(edge.consumer()).add(edge.upstream());
        down.get(edge.upstream()).add(edge.consumer());
      }
    }
    return new RefreshDag(freeze(up), freeze(down), topologicalOrder(up, down));
  }

  private static Map<StreamTableId, Set<StreamTableId>> freeze(Map<StreamTableId, Set<StreamTableId>> map) {
    Map<StreamTableId, Set<StreamTableId>> frozen = new LinkedHashMap<>();
    map.forEach((id, set) -> frozen.put(id, Collections.unmodifiableSet(set)));
    return Collections.unmodifiableMap(frozen);
  }

  private static List<StreamTableId> topologicalOrder(
      Map<StreamTableId, Set<StreamTableId>> up, Map<StreamTableId, Set<StreamTableId>> down) {
    Map<StreamTableId, Integer> pending = new LinkedHashMap<>();
    up.forEach((id, sources) -> pending.put(id, sources.size()));
    Deque<StreamTableId> ready = pending.entrySet().stream().filter(e -> e.getValue() == 0)
        .map(Map.Entry::getKey).collect(Collectors.toCollection(ArrayDeque::new));
    List<StreamTableId> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      StreamTableId next = ready.removeFirst();
      order.add(next);
      for (StreamTableId consumer : down.get(next)) {
        if (pending.merge(consumer, -1, Integer::sum) == 0) {
          ready.addLast(consumer);
        }
      }
    }
    if (order.size() != up.size()) {
      String members = pending.entrySet().stream().filter(e -> e.getValue() > 0).map(e -> e.getKey().toString())
          .collect(Collectors.joining(", "));
      throw new CycleException("stream tables with ids " + members + " depend on each other in a cycle");
    }
    return Collections.unmodifiableList(order);
  }

  /** Every stream table, each after all the stream tables it reads. */
  public List<StreamTableId> topologicalOrder() {
    return order;
  }

  /** The stream tables {@code id} reads directly. */
  public Set<StreamTableId> upstreams(StreamTableId id) {
    return upstreams.getOrDefault(id, Set.of());
  }

  /** The stream tables that read {@code id} directly. */
  public Set<StreamTableId> downstreams(StreamTableId id) {
    return downstreams.getOrDefault(id, Set.of());
  }

  /** Level of each stream table: 1 when it reads only base tables, else 1 + its deepest upstream. */
  public Map<StreamTableId, Integer> levels() {
    Map<StreamTableId, Integer> levels = new LinkedHashMap<>();
    for (StreamTableId id : order) {
      levels.put(id, 1 + upstreams(id).stream().mapToInt(levels::get).max().orElse(0));
    }
    return Collections.unmodifiableMap(levels);
  }
}
