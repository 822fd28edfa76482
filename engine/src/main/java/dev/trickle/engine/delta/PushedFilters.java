package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.FromItem;
import dev.trickle.engine.model.JoinKind;
import dev.trickle.engine.model.TableItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;

/**
 * The condition a block's WHERE implies on the rows of one of its tables: its conjuncts that
 * read only that table, and of each OR whose every branch implies one, the OR of those (TPC-H
 * Q19's three branches each test {@code l_shipmode} and {@code l_quantity}). A row of the table
 * failing it is in no row the block outputs, before or after a change, so the table's change
 * can be consolidated from the images that pass it (see {@link SourceDeltas#pushFilter}).
 */
final class PushedFilters {
  /** The most items a block may join for its conditions to be pushed as they are. */
  private static final int MAX_ITEMS = 2;

  private PushedFilters() {}

  /**
   * The condition as SQL over the item's alias, or null when there is none or when the item may
   * be padded with NULLs (an outer join's nullable side keeps rows the WHERE does not test).
   * When the block joins more than two items, the condition is written in a CASE, whose
   * selectivity PostgreSQL does not derive (it takes a half): the change is a CTE whose columns
   * have no statistics, so the block's own test of the same condition on it is guessed again at
   * 0.5% per range bound; with the change estimated as filtered that guess reached one row, and
   * across a wider join PostgreSQL then rescanned whole tables per changed row (TPC-H Q8's delta:
   * 38 ms to 7.5 s).
   */
  static String of(Block block, TableItem item) {
    if (block.from() == null || !block.from().preserved().contains(item.alias())) {
      return null;
    }
    String condition = implied(block.where(), block, item);
    return condition == null || block.from().items().size() <= MAX_ITEMS ? condition
        : "CASE WHEN " + condition + " THEN true END";
  }

  /**
   * The semi-joins a block's WHERE implies on the rows of one of its tables from another table
   * it joins: for each conjunct {@code item.a = other.b}, where both items are plain tables
   * that are never padded with NULLs and the WHERE implies a condition on the other's rows,
   * {@code item.a IN (SELECT other.b FROM other's relation WHERE that condition)} (conditions of
   * inner joins count as the WHERE's). While the other relation does not change, a row of the
   * item failing it joins no row of the other in any state (TPC-H Q8: of 12,247 changed line
   * items, 90 are of a part of the wanted type). Any number of items may be joined: the
   * condition reaches the planner in a CASE (see {@link #of}), so the block's own join with
   * the other table is not estimated as filtered twice.
   */
  static List<SemiJoin> semiJoins(Block block, TableItem item) {
    List<SemiJoin> semiJoins = new ArrayList<>();
    if (block.from() == null || !block.from().preserved().contains(item.alias())) {
      return semiJoins;
    }
    List<Expression> conditions = conditions(block);
    for (Expression conjunct : conditions) {
      if (!(Expressions.unwrapped(conjunct) instanceof EqualsTo equality)) {
        continue;
      }
      Optional<ColumnRef> left = Expressions.asColumn(equality.getLeftExpression());
      Optional<ColumnRef> right = Expressions.asColumn(equality.getRightExpression());
      if (left.isEmpty() || right.isEmpty()) {
        continue;
      }
      FromItem leftOwner = block.owner(left.get()).orElse(null);
      FromItem rightOwner = block.owner(right.get()).orElse(null);
      ColumnRef own = leftOwner == item ? left.get() : rightOwner == item ? right.get() : null;
      FromItem other = leftOwner == item ? rightOwner : rightOwner == item ? leftOwner : null;
      if (own == null || !(other instanceof TableItem partner) || partner == item
          || !block.from().preserved().contains(partner.alias())) {
        continue;
      }
      List<String> implied = conditions.stream().map(part -> implied(part, block, partner))
          .filter(part -> part != null).toList();
      if (!implied.isEmpty()) {
        String condition = String.join(" AND ", implied);
        ColumnRef theirs = own == left.get() ? right.get() : left.get();
        semiJoins.add(new SemiJoin(partner.relation().oid(), Sql.identifier(item.alias()) + "."
            + Sql.identifier(own.column()) + " IN (SELECT " + Sql.identifier(partner.alias()) + "."
            + Sql.identifier(theirs.column()) + " FROM " + partner.relation().qualifiedName() + " AS "
            + Sql.identifier(partner.alias()) + " WHERE " + condition + ")"));
      }
    }
    return semiJoins;
  }

  /**
   * The conjuncts every row of a block passes: its WHERE's and its inner joins' (an item joined
   * by one may be padded by a later outer join, but then it is not preserved).
   */
  private static List<Expression> conditions(Block block) {
    List<Expression> conditions = new ArrayList<>(Expressions.conjuncts(block.where()));
    block.from().joins().stream().filter(join -> join.kind() == JoinKind.INNER && join.condition() != null)
        .forEach(join -> conditions.addAll(Expressions.conjuncts(join.condition())));
    return conditions;
  }

  /** A condition on a table's rows that holds while relation {@code partner} does not change. */
  record SemiJoin(long partner, String condition) {}

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
