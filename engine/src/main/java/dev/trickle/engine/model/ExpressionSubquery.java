package dev.trickle.engine.model;

import java.util.List;
import net.sf.jsqlparser.expression.Expression;

/**
 * A subquery inside an expression of a block: {@code EXISTS (...)}, {@code x IN (...)} or a
 * scalar {@code (SELECT ...)}. Its tables print as {@link SubqueryTables#token} so that the
 * generated SQL can read them in their current or their old state.
 *
 * @param sql the subquery as it prints, in parentheses, its tables as tokens
 * @param query the subquery (its own expression subqueries nested in it)
 * @param tested for IN, the expressions tested for membership (one per subquery column)
 * @param correlated whether it, or a subquery nested in it, reads columns of enclosing blocks
 * @param nullsMatter for IN, whether a NULL result differs from false where it stands (it does
 *     everywhere except in AND/OR chains directly under WHERE)
 */
public record ExpressionSubquery(Kind kind, String sql, Block query, List<Expression> tested, boolean correlated,
    boolean nullsMatter) {
  /** What the subquery computes. */
  public enum Kind { EXISTS, IN, SCALAR }

  public ExpressionSubquery {
    tested = List.copyOf(tested);
  }
}
