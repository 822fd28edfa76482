package dev.trickle.engine.model;

import java.util.List;

/** A query: one block, a UNION ALL of queries, or a recursive CTE. */
public sealed interface QueryNode permits Block, UnionAll, RecursiveQuery {
  /** The names of its output columns, in order. */
  List<String> columnNames();
}
