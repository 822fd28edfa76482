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

  /** Whether any join is an outer (LEFT, RIGHT or FULL) join. */
  public boolean hasOuterJoins() {
    return joins.stream().anyMatch(join -> join.kind() == JoinKind.LEFT || join.kind() == JoinKind.RIGHT
        || join.kind() == JoinKind.FULL);
  }

  /** Whether any item is a LATERAL set of rows computed from earlier items. */
  public boolean hasLateralItems() {
    return items().stream().anyMatch(item -> item instanceof LateralItem);
  }

  /** The aliases of the items never padded with NULLs by an outer join, in FROM order. */
  public List<String> preserved() {
    List<String> preserved = new ArrayList<>();
    preserved.add(first.alias());
    for (JoinStep join : joins) {
      switch (join.kind()) {
        case INNER, CROSS -> preserved.add(join.item().alias());
        case LEFT -> { }
        case RIGHT -> {
          preserved.clear();
          preserved.add(join.item().alias());
        }
        case FULL -> preserved.clear();
      }
    }
    return preserved;
  }
}
