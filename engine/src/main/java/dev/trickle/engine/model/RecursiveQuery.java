package dev.trickle.engine.model;

import java.util.List;

/**
 * A WITH RECURSIVE common table expression, read in FROM. Its text names its tables by
 * {@link SubqueryTables} tokens, so the same recursion can be evaluated on the tables as they
 * are and as they were before the change.
 *
 * @param sql {@code WITH RECURSIVE ... SELECT columns FROM name}, tables tokenized
 * @param tables the tables the recursion reads, each with the columns read from it
 * @param distinct whether it recurses with UNION (its rows are distinct) rather than UNION ALL
 * @param terms its terms when its rows can be maintained by delete-and-rederive, else null
 */
public record RecursiveQuery(String sql, List<String> columnNames, List<TableItem> tables, boolean distinct,
    RecursionTerms terms) implements QueryNode {
  public RecursiveQuery {
    columnNames = List.copyOf(columnNames);
    tables = List.copyOf(tables);
  }
}
