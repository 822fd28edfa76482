package dev.trickle.engine.delta;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.statement.select.AllColumns;

/**
 * One aggregate call of a block.
 *
 * @param node the call in the query's syntax tree (replaced by identity when rendering)
 * @param argument its single argument, or null for count(*) and multi-argument calls
 * @param filter its FILTER (WHERE ...) condition, or null
 * @param resultType its result type as PostgreSQL infers it
 */
record AggregateCall(Expression node, String name, Expression argument, boolean distinct, Expression filter,
    String resultType) {
  private static final Set<String> EXACT_SUMS = Set.of("bigint", "numeric", "integer", "smallint");

  /** Describes a call node (a plain call, or one with FILTER). */
  static AggregateCall of(Expression node, String resultType) {
    if (node instanceof AnalyticExpression analytic) {
      Expression argument = analytic.isAllColumns() || analytic.getExpression() instanceof AllColumns
          ? null : analytic.getExpression();
      return new AggregateCall(node, analytic.getName().toLowerCase(Locale.ROOT), argument, analytic.isDistinct(),
          analytic.getFilterExpression(), resultType);
    }
    Function function = (Function) node;
    List<?> parameters = function.getParameters() == null ? List.of() : function.getParameters();
    Expression argument = parameters.size() == 1 && !function.isAllColumns() && !(parameters.get(0) instanceof AllColumns)
        ? (Expression) parameters.get(0) : null;
    return new AggregateCall(node, dev.trickle.engine.model.Expressions.baseName(function.getName()), argument,
        function.isDistinct(), null, resultType);
  }

  /**
   * Whether the call's value can be maintained from the change alone (count, and sum/avg
   * over exact numbers; with DISTINCT, over a single argument): floating-point sums depend on
   * the order values are added in.
   */
  boolean algebraic() {
    if (distinct && argument == null) {
      return false;
    }
    return switch (name) {
      case "count" -> true;
      case "sum" -> argument != null && EXACT_SUMS.contains(resultType);
      case "avg" -> argument != null && resultType.equals("numeric");
      default -> false;
    };
  }

  /** What makes two calls compute the same value: name, argument, DISTINCT, filter and type. */
  String signature() {
    return name + "|" + argument + "|" + distinct + "|" + filter + "|" + resultType;
  }

  /** Whether the call has a filter or is count(x) (which skips NULLs): its "counts" condition. */
  String counted(String argumentSql, String filterSql) {
    String notNull = argument == null ? null : argumentSql + " IS NOT NULL";
    if (filter == null) {
      return notNull;
    }
    return notNull == null ? filterSql : notNull + " AND " + filterSql;
  }
}
