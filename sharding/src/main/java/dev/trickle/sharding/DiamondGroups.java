package dev.trickle.sharding;

import dev.trickle.catalog.StreamTableSource;
import dev.trickle.protocol.StreamTableId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The diamonds stream tables with {@code diamond_consistency => 'atomic'} sit at the bottom of.
 * A diamond's fork is a relation (table or stream table) that reaches the apex through two or
 * more of the apex's direct inputs; its group is the apex and every stream table between a fork
 * and the apex. A group refreshes in one transaction, in dependency order, so the apex never
 * combines inputs that saw the fork at different moments.
 */
public final class DiamondGroups {
  private DiamondGroups() {}

  /**
   * The group of every atomic apex that has a diamond above it, members in {@code dag}'s
   * topological order with the apex last.
   */
  public static Map<StreamTableId, List<StreamTableId>> of(RefreshDag dag, Collection<StreamTableId> atomicApexes,
      Collection<StreamTableSource> sources) {
    Map<StreamTableId, Set<Long>> inputs = new HashMap<>();
    Map<Long, StreamTableId> streamTableOf = new HashMap<>();
    Map<StreamTableId, Long> relidOf = new HashMap<>();
    for (StreamTableSource source : sources) {
      inputs.computeIfAbsent(source.consumer(), id -> new HashSet<>()).add(source.relid());
      source.streamTable().ifPresent(upstream -> {
        streamTableOf.put(source.relid(), upstream);
        relidOf.put(upstream, source.relid());
      });
    }
    Map<StreamTableId, List<StreamTableId>> groups = new LinkedHashMap<>();
    for (StreamTableId apex : atomicApexes) {
      List<StreamTableId> group = group(dag, apex, inputs, streamTableOf, relidOf);
      if (group.size() > 1) {
        groups.put(apex, group);
      }
    }
    return groups;
  }

  private static List<StreamTableId> group(RefreshDag dag, StreamTableId apex, Map<StreamTableId, Set<Long>> inputs,
      Map<Long, StreamTableId> streamTableOf, Map<StreamTableId, Long> relidOf) {
    // For every relation above the apex: through which of the apex's inputs it reaches the apex.
    Map<Long, Set<Long>> branches = new HashMap<>();
    for (long input : inputs.getOrDefault(apex, Set.of())) {
      for (long reached : ancestorsOrSelf(input, inputs, streamTableOf)) {
        branches.computeIfAbsent(reached, relation -> new HashSet<>()).add(input);
      }
    }
    Set<Long> forks = new HashSet<>();
    branches.forEach((relation, via) -> {
      if (via.size() > 1) {
        forks.add(relation);
      }
    });
    List<StreamTableId> members = new ArrayList<>();
    for (StreamTableId candidate : dag.topologicalOrder()) {
      if (candidate.equals(apex)) {
        members.add(apex);
      } else if (relidOf.containsKey(candidate) && branches.containsKey(relidOf.get(candidate))) {
        Set<Long> above = ancestorsOrSelf(relidOf.get(candidate), inputs, streamTableOf);
        above.remove(relidOf.get(candidate));
        if (above.stream().anyMatch(forks::contains)) {
          members.add(candidate);
        }
      }
    }
    return members;
  }

  private static Set<Long> ancestorsOrSelf(long relation, Map<StreamTableId, Set<Long>> inputs,
      Map<Long, StreamTableId> streamTableOf) {
    Set<Long> seen = new HashSet<>();
    List<Long> pending = new ArrayList<>(List.of(relation));
    while (!pending.isEmpty()) {
      long next = pending.remove(pending.size() - 1);
      if (seen.add(next) && streamTableOf.containsKey(next)) {
        pending.addAll(inputs.getOrDefault(streamTableOf.get(next), Set.of()));
      }
    }
    return seen;
  }
}
