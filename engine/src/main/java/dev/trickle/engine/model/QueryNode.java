package dev.trickle.engine.model;

import java.util.List;

/** A query: one block, or a UNION ALL of queries. */
public sealed interface QueryNode permits Block, UnionAll {
  /** The names of its output columns, in order. */
  List<String> columnNames();
}
