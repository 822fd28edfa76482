package dev.trickle.engine.delta;

import dev.trickle.engine.model.ExpressionSubquery;
import dev.trickle.engine.model.ExpressionSubquery.Kind;
import dev.trickle.engine.model.Expressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.PlainSelect;

/**
 * A block's WHERE for evaluating its candidate rows, each IN subquery linked by value (see
 * {@link SubqueryCandidates#linked}) that tests key columns of anchors reading only the
 * subquery rows that select the candidates' values. Whether a value is in such a subquery
 * depends only on the rows selecting it, so the candidates' answers stay the same; PostgreSQL
 * computes an uncorrelated IN subquery whole, and TPC-H Q18's (a GROUP BY over every line item)
 * took 137 ms on the current state and 300 ms on the old one for a few thousand candidates. The
 * values are taken DISTINCT: the candidates CTE can be estimated at billions of rows, and a
 * DISTINCT over it is estimated at 200. Stateless.
 */
final class CandidateIns {
  private CandidateIns() {}

  /**
   * @param anchors the items whose lineage the candidates hold, in order
   * @param candidates the CTE of candidates ({@code __pgt_c1}, ... over the anchors' lineage)
   */
  static String where(CoreQuery core, List<RenderedItem> anchors, String candidates) {
    String where = core.where();
    if (where == null) {
      return null;
    }
    for (ExpressionSubquery subquery : core.block().subqueries()) {
      if (subquery.kind() != Kind.IN || !SubqueryCandidates.linked(subquery)
          || where.indexOf(subquery.sql()) != where.lastIndexOf(subquery.sql()) || !where.contains(subquery.sql())) {
        continue;
      }
      Optional<List<String>> tested = candidateColumns(subquery, anchors);
      if (tested.isPresent()) {
        String restricted = restricted(subquery, "SELECT DISTINCT " + String.join(", ", tested.get()) + " FROM " + candidates);
        if (restricted != null) {
          where = where.replace(subquery.sql(), restricted);
        }
      }
    }
    return where;
  }

  /** The candidate columns holding each tested value; empty unless each is an anchor's key column. */
  private static Optional<List<String>> candidateColumns(ExpressionSubquery subquery, List<RenderedItem> anchors) {
    List<String> columns = new ArrayList<>();
    for (Expression tested : subquery.tested()) {
      String column = Expressions.asColumn(Expressions.unwrapped(tested))
          .map(reference -> AffectedRowsDeltaRule.candidateColumn(reference, anchors)).orElse(null);
      if (column == null) {
        return Optional.empty();
      }
      columns.add(column);
    }
    return Optional.of(columns);
  }

  /** The subquery, in parentheses, with its selected values restricted to those {@code values} selects; null if unreadable. */
  private static String restricted(ExpressionSubquery subquery, String values) {
    String sql = subquery.sql();
    try {
      Statement statement = CCJSqlParserUtil.parse(sql.substring(1, sql.length() - 1));
      if (!(statement instanceof PlainSelect select)) {
        return null;
      }
      List<String> selected = subquery.query().select().stream().map(column -> column.expression().toString()).toList();
      String restriction = "(" + String.join(", ", selected) + ") IN (" + values + ")";
      select.setWhere(CCJSqlParserUtil.parseCondExpression(
          select.getWhere() == null ? restriction : "(" + select.getWhere() + ") AND " + restriction, false));
      return "(" + select + ")";
    } catch (JSQLParserException e) {
      return null;
    }
  }
}
