package dev.trickle.engine.parse;

import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.DerivedItem;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.FromItem;
import dev.trickle.engine.model.TableItem;
import java.util.Map;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.Join;

/** Join conditions as the model keeps them: ON and USING turned into one expression. Stateless. */
final class JoinConditions {
  private JoinConditions() {}

  /** The condition, which a join of this kind must have. */
  static Expression require(Expression condition, String join) {
    if (condition == null) {
      throw new UnsupportedQueryException(join + " without a join condition");
    }
    return condition;
  }

  /** The join's condition: its ON expressions and USING columns, AND-ed; null when it has none. */
  static Expression of(Join join, Map<String, FromItem> before, FromItem item) {
    Expression condition = null;
    for (Expression on : join.getOnExpressions()) {
      condition = condition == null ? on : new AndExpression(condition, on);
    }
    if (join.getUsingColumns() != null) {
      for (Column using : join.getUsingColumns()) {
        String column = Expressions.unquote(using.getColumnName());
        String left = before.values().stream().filter(candidate -> hasColumn(candidate, column))
            .map(FromItem::alias).findFirst()
            .orElseThrow(() -> new UnsupportedQueryException("USING column " + column + " not found on the left"));
        Expression equality = parseExpression(quote(left) + "." + quote(column) + " = " + quote(item.alias()) + "."
            + quote(column));
        condition = condition == null ? equality : new AndExpression(condition, equality);
      }
    }
    return condition;
  }

  private static boolean hasColumn(FromItem item, String column) {
    if (item instanceof TableItem table) {
      return table.relation().column(column).isPresent();
    }
    return ((DerivedItem) item).query().columnNames().contains(column);
  }

  private static Expression parseExpression(String sql) {
    try {
      return CCJSqlParserUtil.parseExpression(sql, false);
    } catch (JSQLParserException e) {
      throw new IllegalStateException("cannot parse generated expression " + sql, e);
    }
  }

  private static String quote(String identifier) {
    return dev.trickle.engine.Sql.identifier(identifier);
  }
}
