package dev.trickle.engine.parse;

import dev.trickle.engine.InvalidQueryException;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.FromClause;
import dev.trickle.engine.model.FromItem;
import dev.trickle.engine.model.JoinStep;
import dev.trickle.engine.model.TableItem;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;

/** Which columns of each table a block uses, checked against the table. Stateless. */
final class UsedColumns {
  private UsedColumns() {}

  /**
   * The FROM clause with each table item's used columns filled in from every expression;
   * columns of {@code enclosing} items (read by a subquery from the blocks around it) are allowed.
   */
  static FromClause fillIn(FromClause from, List<Expression> expressions, Map<String, FromItem> enclosing) {
    if (from == null) {
      return null;
    }
    Map<String, Set<String>> used = new HashMap<>();
    Block scope = scope(from);
    Block outside = scope(outside(enclosing));
    for (Expression expression : expressions) {
      for (ColumnRef column : Expressions.columns(expression)) {
        java.util.Optional<FromItem> owner = scope.owner(column);
        if (owner.isEmpty() && outside.owner(column).isPresent()) {
          continue;
        }
        used.computeIfAbsent(owner.orElseThrow(() -> new InvalidQueryException(
            "column reference " + column.column() + " is ambiguous or unknown")).alias(), key -> new LinkedHashSet<>())
            .add(column.column());
      }
    }
    FromItem first = withColumns(from.first(), used);
    List<JoinStep> joins = from.joins().stream()
        .map(join -> new JoinStep(join.kind(), withColumns(join.item(), used), join.condition())).toList();
    return new FromClause(first, joins);
  }

  /**
   * Qualifies every unqualified column reference (outside subqueries) with the alias of the item
   * it reads, here or in an enclosing block, so that the expressions keep their meaning when
   * generated SQL joins more items around them. Changes the expressions in place.
   */
  static void qualify(FromClause from, List<Expression> expressions, Map<String, FromItem> enclosing) {
    Block scope = scope(from);
    Block outside = scope(outside(enclosing));
    for (Expression expression : expressions) {
      expression.accept(new net.sf.jsqlparser.expression.ExpressionVisitorAdapter<Void>() {
        @Override
        public <S> Void visit(net.sf.jsqlparser.schema.Column column, S context) {
          if (column.getTable() == null || column.getTable().getName() == null) {
            ColumnRef reference = new ColumnRef(null, Expressions.unquote(column.getColumnName()));
            scope.owner(reference).or(() -> outside.owner(reference)).ifPresent(owner ->
                column.setTable(new net.sf.jsqlparser.schema.Table(dev.trickle.engine.Sql.identifier(owner.alias()))));
          }
          return null;
        }

        @Override
        public <S> Void visit(net.sf.jsqlparser.statement.select.Select select, S context) {
          return null;
        }

        @Override
        public <S> Void visit(net.sf.jsqlparser.statement.select.ParenthesedSelect select, S context) {
          return null;
        }
      }, null);
    }
  }

  private static FromClause outside(Map<String, FromItem> enclosing) {
    return enclosing.isEmpty() ? null : new FromClause(enclosing.values().iterator().next(),
        enclosing.values().stream().skip(1).map(item -> new JoinStep(dev.trickle.engine.model.JoinKind.CROSS, item, null))
            .toList());
  }

  /** Whether any of the expressions reads a column no item of {@code from} has. */
  static boolean readsOutside(FromClause from, List<Expression> expressions) {
    Block scope = scope(from);
    return expressions.stream().flatMap(e -> Expressions.columns(e).stream())
        .anyMatch(column -> scope.owner(column).isEmpty());
  }

  private static Block scope(FromClause from) {
    return new Block(from, null, List.of(), null, List.of(), false, false, List.of(), null, null, List.of());
  }

  private static FromItem withColumns(FromItem item, Map<String, Set<String>> used) {
    if (item instanceof TableItem table) {
      Set<String> columns = used.getOrDefault(table.alias(), Set.of());
      for (String column : columns) {
        if (table.relation().column(column).isEmpty()) {
          throw new InvalidQueryException("column " + table.alias() + "." + column + " does not exist");
        }
      }
      return new TableItem(table.relation(), table.alias(), columns);
    }
    return item;
  }
}
