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

  /**
   * Refuses a RIGHT or FULL join whose condition could match a row of the items before it that
   * an earlier outer join padded with NULLs: for each such item the condition reads, one of its
   * AND-ed parts must compare a bare column of that item (a comparison with NULL never holds).
   * Then a row of the preserved side changes its matches only through rows that involve a
   * touched row, which is what the affected-rows rule relies on.
   */
  static void requireStrict(Expression condition, String join, Map<String, FromItem> before,
      java.util.List<dev.trickle.engine.model.JoinStep> steps) {
    FromItem first = before.values().iterator().next();
    java.util.List<String> preserved = new dev.trickle.engine.model.FromClause(first, steps).preserved();
    java.util.Set<String> read = new java.util.HashSet<>();
    Expressions.columns(condition).forEach(column -> read.add(column.qualifier()));
    for (String alias : before.keySet()) {
      if (!preserved.contains(alias) && read.contains(alias) && !comparesColumnOf(condition, alias)) {
        throw new UnsupportedQueryException(join + " whose condition can match NULL-padded rows of " + alias
            + " (compare a column of " + alias + " with =, <, >, <=, >= or <> in it)");
      }
    }
  }

  private static boolean comparesColumnOf(Expression condition, String alias) {
    for (Expression conjunct : Expressions.conjuncts(condition)) {
      if (conjunct instanceof net.sf.jsqlparser.expression.operators.relational.ComparisonOperator comparison
          && (isColumnOf(comparison.getLeftExpression(), alias) || isColumnOf(comparison.getRightExpression(), alias))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isColumnOf(Expression expression, String alias) {
    return Expressions.asColumn(expression).map(column -> alias.equals(column.qualifier())).orElse(false);
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
        String left = before.values().stream().filter(candidate -> candidate.hasColumn(column))
            .map(FromItem::alias).findFirst()
            .orElseThrow(() -> new UnsupportedQueryException("USING column " + column + " not found on the left"));
        Expression equality = parseExpression(quote(left) + "." + quote(column) + " = " + quote(item.alias()) + "."
            + quote(column));
        condition = condition == null ? equality : new AndExpression(condition, equality);
      }
    }
    return condition;
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
