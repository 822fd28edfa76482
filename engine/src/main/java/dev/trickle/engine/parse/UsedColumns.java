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

  /** The FROM clause with each table item's used columns filled in from every expression. */
  static FromClause fillIn(FromClause from, List<Expression> expressions) {
    if (from == null) {
      return null;
    }
    Map<String, Set<String>> used = new HashMap<>();
    Block scope = new Block(from, null, List.of(), null, List.of(), false, false, List.of(), null, null);
    for (Expression expression : expressions) {
      for (ColumnRef column : Expressions.columns(expression)) {
        FromItem owner = scope.owner(column).orElseThrow(() -> new InvalidQueryException(
            "column reference " + column.column() + " is ambiguous or unknown"));
        used.computeIfAbsent(owner.alias(), key -> new LinkedHashSet<>()).add(column.column());
      }
    }
    FromItem first = withColumns(from.first(), used);
    List<JoinStep> joins = from.joins().stream()
        .map(join -> new JoinStep(join.kind(), withColumns(join.item(), used), join.condition())).toList();
    return new FromClause(first, joins);
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
