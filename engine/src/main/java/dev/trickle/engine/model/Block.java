package dev.trickle.engine.model;

import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.statement.select.OrderByElement;

/**
 * One SELECT. Evaluation order is SQL's: FROM (joins), WHERE, GROUP BY and aggregates, HAVING,
 * window functions (in the select list), DISTINCT, ORDER BY, OFFSET/LIMIT.
 *
 * @param from null for a SELECT without FROM
 * @param aggregated whether it groups (GROUP BY or aggregates in the select list or HAVING)
 * @param limit null when there is none
 * @param subqueries the subqueries in its WHERE and select list, outermost first
 */
public record Block(
    FromClause from,
    Expression where,
    List<Expression> groupBy,
    Expression having,
    List<OutputColumn> select,
    boolean aggregated,
    boolean distinct,
    List<OrderByElement> orderBy,
    Long limit,
    Long offset,
    List<ExpressionSubquery> subqueries) implements QueryNode {

  public Block {
    groupBy = List.copyOf(groupBy);
    subqueries = List.copyOf(subqueries);
    select = List.copyOf(select);
    orderBy = List.copyOf(orderBy);
  }

  @Override
  public List<String> columnNames() {
    return select.stream().map(OutputColumn::name).toList();
  }

  /** Whether any select-list expression holds a window function. */
  public boolean windowed() {
    return select.stream().anyMatch(column -> Expressions.containsWindow(column.expression()));
  }

  /**
   * The FROM item a column reference reads: the one its qualifier names, or for an
   * unqualified reference the single item that has such a column.
   */
  public java.util.Optional<FromItem> owner(ColumnRef column) {
    if (from == null) {
      return java.util.Optional.empty();
    }
    if (column.qualifier() != null) {
      return from.items().stream().filter(item -> item.alias().equals(column.qualifier())).findFirst();
    }
    List<FromItem> candidates = from.items().stream().filter(item -> item.hasColumn(column.column())).toList();
    return candidates.size() == 1 ? java.util.Optional.of(candidates.get(0)) : java.util.Optional.empty();
  }

  /** Whether it has LIMIT or OFFSET. */
  public boolean limited() {
    return limit != null || offset != null;
  }
}
