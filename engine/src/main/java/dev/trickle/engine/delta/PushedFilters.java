package dev.trickle.engine.delta;

import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.TableItem;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;

/**
 * The condition a block's WHERE implies on the rows of one of its tables: its conjuncts that
 * read only that table, and of each OR whose every branch implies one, the OR of those (TPC-H
 * Q19's three branches each test {@code l_shipmode} and {@code l_quantity}). A row of the table
 * failing it is in no row the block outputs, before or after a change, so the table's change
 * can be consolidated from the images that pass it (see {@link SourceDeltas#pushFilter}).
 */
final class PushedFilters {
  /** The most items a block may join for its conditions to be pushed. */
  private static final int MAX_ITEMS = 2;

  private PushedFilters() {}

  /**
   * The condition as SQL over the item's alias, or null when there is none, when the item may
   * be padded with NULLs (an outer join's nullable side keeps rows the WHERE does not test) or
   * when the block joins more than two items. The last is for PostgreSQL's planner: the change
   * is a CTE whose columns have no statistics, so the block's own test of the same condition
   * on it is guessed again at 0.5% per range bound; with the change already filtered that guess
   * reaches one row, and across a wider join PostgreSQL then rescans whole tables per changed
   * row (TPC-H Q8's delta: 38 ms to 7.5 s).
   */
  static String of(Block block, TableItem item) {
    if (block.from() == null || block.from().items().size() > MAX_ITEMS
        || !block.from().preserved().contains(item.alias())) {
      return null;
    }
    return implied(block.where(), block, item);
  }

  private static String implied(Expression condition, Block block, TableItem item) {
    if (condition == null) {
      return null;
    }
    Expression current = Expressions.unwrapped(condition);
    if (current instanceof OrExpression or) {
      String left = implied(or.getLeftExpression(), block, item);
      String right = left == null ? null : implied(or.getRightExpression(), block, item);
      return right == null ? null : "(" + left + " OR " + right + ")";
    }
    if (current instanceof AndExpression) {
      List<String> parts = new ArrayList<>();
      for (Expression conjunct : Expressions.conjuncts(current)) {
        String part = implied(conjunct, block, item);
        if (part != null) {
          parts.add(part);
        }
      }
      return parts.isEmpty() ? null : parts.size() == 1 ? parts.get(0) : "(" + String.join(" AND ", parts) + ")";
    }
    return readsOnly(current, block, item) ? "(" + current + ")" : null;
  }

  /** Whether a condition reads columns of the item and nothing else (no subquery, no whole row). */
  private static boolean readsOnly(Expression condition, Block block, TableItem item) {
    return !Expressions.containsSubquery(condition) && Expressions.wholeRowReferences(condition).isEmpty()
        && !Expressions.columns(condition).isEmpty()
        && Expressions.columns(condition).stream().allMatch(column -> block.owner(column).orElse(null) == item);
  }
}
