package dev.trickle.engine.delta;

import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Expressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.sf.jsqlparser.expression.Expression;

/**
 * The change of a block with LEFT joins, as a Z-set, by recomputing only the affected rows.
 *
 * <p>Outer joins are not linear (a row of the preserved side is padded with NULLs exactly while
 * nothing matches it), so instead of telescoping, the rule finds the preserved-side rows whose
 * output may have changed — those joined, before or after the change, with a row some item's
 * change touched — and evaluates the block for just those rows twice: on the current state
 * (+1) and on the exact old state (−1). Every item needs a key.
 */
final class OuterJoinDeltaRule {
  private OuterJoinDeltaRule() {}

  /** The block's change: {@code select} columns plus {@code __pgt_w}. */
  static String delta(CoreQuery core, List<String> select, Ctes ctes) {
    List<String> anchor = anchorLineage(core);
    String candidates = ctes.add("__pgt_k", candidates(core, anchor, ctes));
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= anchor.size(); i++) {
      names.add("__pgt_c" + i);
    }
    String restriction = "(" + String.join(", ", anchor) + ") IN (SELECT " + String.join(", ", names) + " FROM "
        + candidates + ")";
    String where = core.where() == null ? restriction : "(" + core.where() + ") AND " + restriction;
    String list = String.join(", ", select);
    return "SELECT " + list + ", 1::bigint AS __pgt_w" + core.fromWhere(alias -> ItemForm.NEW, Set.of(), where, ctes)
        + "\nUNION ALL\nSELECT " + list + ", -1::bigint AS __pgt_w"
        + core.fromWhere(alias -> ItemForm.OLD_EXACT, Set.of(), where, ctes);
  }

  private static List<String> anchorLineage(CoreQuery core) {
    List<String> lineage = new ArrayList<>();
    for (RenderedItem item : core.items()) {
      if (item.lineage().isEmpty()) {
        throw new UnsupportedQueryException("LEFT JOIN over " + item.alias() + ", which has no primary key");
      }
      if (core.preserved().contains(item.alias())) {
        lineage.addAll(item.lineage());
      }
    }
    return lineage;
  }

  /** The anchors of every row that involves a touched row of some item, before or after. */
  private static String candidates(CoreQuery core, List<String> anchor, Ctes ctes) {
    String where = preservedConditions(core);
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < anchor.size(); i++) {
      columns.add(anchor.get(i) + " AS __pgt_c" + (i + 1));
    }
    String list = String.join(", ", columns);
    List<String> parts = new ArrayList<>();
    for (RenderedItem touched : core.items()) {
      String alias = touched.alias();
      parts.add("SELECT " + list + core.fromWhere(a -> a.equals(alias) ? ItemForm.TOUCHED_NEW : ItemForm.NEW,
          Set.of(alias), where, ctes));
      parts.add("SELECT " + list + core.fromWhere(a -> a.equals(alias) ? ItemForm.TOUCHED_OLD : ItemForm.OLD_EXACT,
          Set.of(alias), where, ctes));
    }
    return "SELECT DISTINCT * FROM (\n" + String.join("\nUNION ALL\n", parts) + "\n) __pgt_candidates";
  }

  /** The WHERE conjuncts that read only preserved items (they cannot flip with a nullable side). */
  private static String preservedConditions(CoreQuery core) {
    Set<String> preserved = Set.copyOf(core.preserved());
    List<String> kept = new ArrayList<>();
    for (Expression conjunct : Expressions.conjuncts(core.block().where())) {
      if (Expressions.columns(conjunct).stream()
          .allMatch(column -> core.block().owner(column).map(item -> preserved.contains(item.alias())).orElse(false))) {
        kept.add("(" + conjunct + ")");
      }
    }
    return kept.isEmpty() ? null : kept.stream().collect(Collectors.joining(" AND "));
  }
}
