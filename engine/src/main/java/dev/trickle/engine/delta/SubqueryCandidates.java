package dev.trickle.engine.delta;

import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.ExpressionSubquery;
import dev.trickle.engine.model.ExpressionSubquery.Kind;
import dev.trickle.engine.model.Expressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The candidate rows of a block whose expression subqueries read a touched row.
 *
 * <p>A correlated subquery's value for a row depends only on the subquery rows its WHERE lets
 * through for that row; so the rows it may have changed for are found by joining the block with
 * the subquery's FROM, the touched table in its touched form, under the subquery's conditions
 * that cannot flip (the correlation among them) — flattening nested subqueries the same way.
 * A positive {@code IN} is linked by value ({@code tested = selected}), so it is flattened even
 * when uncorrelated. Any other uncorrelated subquery has one value for all rows: they are all
 * candidates exactly when its value changed. Candidates may be a superset; never a subset.
 */
final class SubqueryCandidates {
  private final CoreQuery core;
  private final String select;
  private final String safe;
  private final Ctes ctes;
  private final ProgramContext context;
  private final List<Part> parts = new ArrayList<>();

  /**
   * A SELECT of candidates and the sources it needs a change of (as {@link SourceDeltas#appendBranch}
   * reads them): it finds no row when some set's sources all have none.
   */
  record Part(String sql, List<Set<Long>> needs) {}

  /**
   * @param select the candidate columns, rendered over the block's items
   * @param safe the block's conditions that cannot flip (null when none)
   */
  SubqueryCandidates(CoreQuery core, String select, String safe, Ctes ctes, ProgramContext context) {
    this.core = core;
    this.select = select;
    this.safe = safe;
    this.ctes = ctes;
    this.context = context;
  }

  /** One SELECT of candidates per touched subquery table and state (current, old). */
  List<Part> parts() {
    core.block().subqueries().forEach(subquery -> visit(List.of(), subquery));
    return parts;
  }

  /** A subquery on the path from the block down to a touched table. */
  private record Level(ExpressionSubquery subquery, CoreQuery core) {}

  private void visit(List<Level> path, ExpressionSubquery subquery) {
    if (!subquery.correlated() && !linked(subquery)) {
      parts.add(new Part(flattened(path, null, false, "(" + value(subquery, false) + ") IS DISTINCT FROM ("
          + value(subquery, true) + ")"), List.of(ProgramContext.sourcesOf(subquery.query()))));
      return;
    }
    List<Level> levels = new ArrayList<>(path);
    levels.add(new Level(subquery, context.core(subquery.query())));
    for (RenderedItem table : levels.get(levels.size() - 1).core().items()) {
      parts.add(new Part(flattened(levels, table, false, null), List.of(table.sources())));
      parts.add(new Part(flattened(levels, table, true, null), List.of(table.sources())));
    }
    subquery.query().subqueries().forEach(nested -> visit(levels, nested));
  }

  /**
   * Whether an IN is exact by value: NULLs cannot matter, and each selected value comes from one
   * row of the subquery's FROM (no aggregate, window or LIMIT decides it).
   */
  private static boolean linked(ExpressionSubquery subquery) {
    Block query = subquery.query();
    if (subquery.kind() != Kind.IN || subquery.nullsMatter() || query.limited() || query.windowed()) {
      return false;
    }
    return !query.aggregated() || query.select().stream().allMatch(column -> Expressions.functionNames(column.expression())
        .isEmpty() || query.groupBy().stream().anyMatch(key -> key.toString().equals(column.expression().toString())));
  }

  /** SQL comparing as a value what the subquery yields, over current or old tables. */
  private String value(ExpressionSubquery subquery, boolean old) {
    String sql = switch (subquery.kind()) {
      case EXISTS -> "EXISTS " + subquery.sql();
      case SCALAR -> subquery.sql();
      case IN -> "ARRAY(SELECT ROW(__pgt_q.*)::text FROM " + subquery.sql() + " __pgt_q ORDER BY 1)";
    };
    return old ? context.oldTables(sql, ctes) : context.currentTables(sql);
  }

  /**
   * The block joined with every level's FROM under their safe conditions and links, the touched
   * table (in the last level; null for none) in its touched form, all in the current or old state.
   */
  private String flattened(List<Level> levels, RenderedItem touched, boolean old, String extra) {
    ItemForm whole = old ? ItemForm.OLD_EXACT : ItemForm.NEW;
    ItemForm touchedForm = old ? ItemForm.TOUCHED_OLD : ItemForm.TOUCHED_NEW;
    StringBuilder from = new StringBuilder(core.fromWhere(alias -> whole, null, ctes));
    List<String> conditions = new ArrayList<>();
    if (safe != null) {
      conditions.add(safe);
    }
    for (Level level : levels) {
      boolean last = level == levels.get(levels.size() - 1);
      String levelFrom = level.core().fromWhere(alias -> last && touched != null && alias.equals(touched.alias())
          ? touchedForm : whole, null, ctes);
      from.append(",\n ").append(levelFrom.substring(" FROM ".length()));
      String levelSafe = AffectedRowsDeltaRule.safeConditions(level.core());
      if (levelSafe != null) {
        conditions.add(levelSafe);
      }
      if (linked(level.subquery())) {
        conditions.add(link(level.subquery()));
      }
    }
    if (touched != null) {
      touched.lineage().forEach(key -> conditions.add(key + " IS NOT NULL"));
    }
    if (extra != null) {
      conditions.add(extra);
    }
    return "SELECT " + select + from + (conditions.isEmpty() ? "" : "\n WHERE " + String.join(" AND ", conditions));
  }

  /** tested = selected, column by column. */
  private static String link(ExpressionSubquery subquery) {
    List<String> equalities = new ArrayList<>();
    for (int i = 0; i < subquery.tested().size(); i++) {
      equalities.add("(" + subquery.tested().get(i) + ") = (" + subquery.query().select().get(i).expression() + ")");
    }
    return equalities.stream().collect(Collectors.joining(" AND "));
  }
}
