package dev.trickle.engine.model;

import dev.trickle.engine.RelationInfo;
import java.util.List;

/**
 * A WITH RECURSIVE common table expression, read in FROM. Its text names its tables by
 * {@link SubqueryTables} tokens, so the same recursion can be evaluated on the tables as they
 * are and as they were before the change.
 *
 * @param sql {@code WITH RECURSIVE ... SELECT columns FROM name}, tables tokenized
 * @param tables the relations the recursion reads
 * @param distinct whether it recurses with UNION (its rows are distinct) rather than UNION ALL
 */
public record RecursiveQuery(String sql, List<String> columnNames, List<RelationInfo> tables, boolean distinct)
    implements QueryNode {
  public RecursiveQuery {
    columnNames = List.copyOf(columnNames);
    tables = List.copyOf(tables);
  }
}
