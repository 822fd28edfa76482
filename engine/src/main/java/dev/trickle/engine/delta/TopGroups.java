package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.OutputColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import net.sf.jsqlparser.statement.select.OrderByElement;

/**
 * {@code GROUP BY ... ORDER BY ... LIMIT n} at the top, refreshed from the groups the change
 * touched. Only those groups are recomputed; the stored top n with them replaced are the
 * candidates. A group outside the stored top n that the change did not touch ranked after the
 * stored n-th row before, and still does: so when at least n candidates rank no later than that
 * row, the new top n are the candidates' first n. Otherwise (the stored rows fell back or
 * vanished) the top n are recomputed from all rows. Ranking is read from the stored columns,
 * so every ORDER BY item must be a selected column.
 */
final class TopGroups {
  private final Block block;
  private final ProgramContext context;
  private final GroupKeys keys;
  private final String ordering;

  private TopGroups(Block block, ProgramContext context, GroupKeys keys, String ordering) {
    this.block = block;
    this.context = context;
    this.keys = keys;
    this.ordering = ordering;
  }

  /**
   * The rule for a block, when it applies: grouped by at least one key, with LIMIT and no
   * OFFSET, ordered only by selected columns.
   */
  static Optional<TopGroups> of(Block block, ProgramContext context) {
    if (!block.aggregated() || block.limit() == null || block.limit() < 1 || block.offset() != null) {
      return Optional.empty();
    }
    GroupKeys keys = GroupKeys.of(block, AggregateDeltaRule.callNodes(block, context));
    if (keys.size() == 0) {
      return Optional.empty();
    }
    List<String> items = new ArrayList<>();
    for (OrderByElement order : block.orderBy()) {
      Optional<String> column = selectedColumn(block, context, order);
      if (column.isEmpty()) {
        return Optional.empty();
      }
      items.add(column.get() + (order.isAsc() ? "" : " DESC")
          + (order.getNullOrdering() == null ? "" : order.getNullOrdering() == OrderByElement.NullOrdering.NULLS_FIRST
              ? " NULLS FIRST" : " NULLS LAST"));
    }
    return Optional.of(new TopGroups(block, context, keys, String.join(", ", items)));
  }

  /** The stored column an ORDER BY item sorts by: a select-list expression written the same, or its name. */
  private static Optional<String> selectedColumn(Block block, ProgramContext context, OrderByElement order) {
    String sorted = Expressions.unwrapped(order.getExpression()).toString();
    for (int i = 0; i < block.select().size(); i++) {
      OutputColumn column = block.select().get(i);
      if (Expressions.unwrapped(column.expression()).toString().equals(sorted)
          || Sql.identifier(column.name()).equals(sorted) || column.name().equals(sorted)) {
        return Optional.of(Sql.identifier(context.outputs().get(i).name()));
      }
    }
    return Optional.empty();
  }

  /**
   * The delta: the candidates' first n when they are enough, else the top n of all rows.
   *
   * @param fullTop renders the top n of all rows, with row ids, defining the CTEs it needs
   */
  String delta(Function<Ctes, String> fullTop) {
    Ctes ctes = new Ctes();
    List<String> columns = context.outputs().stream().map(o -> Sql.identifier(o.name())).toList();
    String list = String.join(", ", columns);
    String affected = ctes.add("__pgt_ag", context.changedGroups(block, keys, ctes));
    String recomputed = ctes.add("__pgt_new", new AggregateRecompute(block, context, keys).query(affected, ctes));
    String candidates = ctes.add("__pgt_cand", "SELECT __pgt_row_id, " + list + " FROM {{self}}"
        + " WHERE __pgt_row_id NOT IN (SELECT " + context.rowId(keys.names()) + " FROM " + affected + ")"
        + "\nUNION ALL\nSELECT __pgt_row_id, " + list + " FROM " + recomputed);
    String top = ctes.add("__pgt_top", "SELECT * FROM " + candidates + " ORDER BY " + ordering + " LIMIT "
        + block.limit());
    String enough = ctes.add("__pgt_enough", "SELECT coalesce((SELECT __pgt_rank > " + block.limit() + " FROM (\n"
        + "  SELECT __pgt_last, row_number() OVER (ORDER BY " + ordering + ", __pgt_last) AS __pgt_rank FROM (\n"
        + "    SELECT " + list + ", false AS __pgt_last FROM " + candidates + "\n    UNION ALL\n"
        + "    (SELECT " + list + ", true FROM {{self}} ORDER BY " + ordering + " OFFSET " + (block.limit() - 1)
        + " LIMIT 1)) __pgt_ranked) __pgt_r WHERE __pgt_last), true) AS __pgt_ok");
    String nulls = String.join(", ", AggregateDeltaRule.nullColumns(context));
    String ok = "(SELECT __pgt_ok FROM " + enough + ")";
    String fresh = ctes.add("__pgt_fresh", "SELECT __pgt_row_id, " + list + " FROM " + top + " WHERE " + ok
        + "\nUNION ALL\nSELECT __pgt_row_id, " + list + " FROM (\n" + fullTop.apply(ctes) + "\n) __pgt_all WHERE NOT " + ok);
    return ctes.statement("SELECT __pgt_row_id, 'I' AS __pgt_op, " + list + " FROM " + fresh
        + "\nUNION ALL\nSELECT s.__pgt_row_id, 'D', " + nulls + " FROM {{self}} s"
        + " WHERE s.__pgt_row_id NOT IN (SELECT __pgt_row_id FROM " + fresh + ")");
  }
}
