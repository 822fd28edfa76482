package dev.trickle.engine.model;

import java.util.ArrayList;
import java.util.List;

/** A left-deep FROM clause: the first item, then each item joined to everything before it. */
public record FromClause(FromItem first, List<JoinStep> joins) {
  public FromClause {
    joins = List.copyOf(joins);
  }

  /** Every item, in order. */
  public List<FromItem> items() {
    List<FromItem> items = new ArrayList<>();
    items.add(first);
    joins.forEach(join -> items.add(join.item()));
    return items;
  }

  /** Whether any join is a LEFT join. */
  public boolean hasOuterJoins() {
    return joins.stream().anyMatch(join -> join.kind() == JoinKind.LEFT);
  }
}
