package dev.trickle.engine.model;

import java.util.List;

/** UNION ALL of branches with the same number of columns; names come from the first branch. */
public record UnionAll(List<QueryNode> branches) implements QueryNode {
  public UnionAll {
    branches = List.copyOf(branches);
  }

  @Override
  public List<String> columnNames() {
    return branches.get(0).columnNames();
  }
}
