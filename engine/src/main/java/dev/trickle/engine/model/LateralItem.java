package dev.trickle.engine.model;

import java.util.List;
import net.sf.jsqlparser.expression.Expression;

/**
 * A LATERAL set of rows computed from the rows of the items before it: a set-returning
 * function in FROM ({@code unnest(t.tags) AS u(tag)}), or the set-returning calls of a select
 * list moved into FROM. It reads no table, so it has no change of its own: its rows change
 * exactly when the rows it is computed from do.
 *
 * @param rows SQL readable in FROM under a column alias list: a function call (with WITH
 *     ORDINALITY if written) or a parenthesized SELECT
 * @param columns its column names, in order
 * @param reads the expressions it evaluates (function arguments, select list), for the columns
 *     of earlier items it reads
 */
public record LateralItem(String rows, String alias, List<String> columns, List<Expression> reads)
    implements FromItem {
  public LateralItem {
    columns = List.copyOf(columns);
    reads = List.copyOf(reads);
  }

  @Override
  public boolean hasColumn(String column) {
    return columns.contains(column);
  }
}
