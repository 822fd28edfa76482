package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.ExpressionSubquery;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.FromItem;
import dev.trickle.engine.model.JoinKind;
import dev.trickle.engine.model.JoinStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.sf.jsqlparser.expression.Expression;

/**
 * The change of a block with outer joins or expression subqueries, as a Z-set, by recomputing
 * only the affected rows.
 *
 * <p>Neither outer joins (a row is padded with NULLs exactly while nothing matches it) nor
 * subqueries (a row's EXISTS, IN or scalar value depends on other rows) are linear, so instead
 * of telescoping the rule finds the rows whose output may have changed and evaluates the block
 * for just those rows twice: on the current state (+1) and on the exact old state (−1). Rows
 * are found by their <em>anchors</em>, the keys of the items no outer join pads: every row
 * joined, before or after the change, with a touched row of some item, and every row whose
 * subqueries read a touched row ({@link SubqueryCandidates}). When a FULL join pads every
 * item, a row is affected when any of its items' keys is. Every item needs a key.
 */
final class AffectedRowsDeltaRule {
  private AffectedRowsDeltaRule() {}

  /** The block's change: {@code select} columns plus {@code __pgt_w}. */
  static String delta(CoreQuery core, List<String> select, Ctes ctes, ProgramContext context) {
    List<RenderedItem> anchors = anchors(core);
    List<RenderedItem> identifying = anchors.isEmpty() ? core.items() : anchors;
    List<String> lineage = lineage(identifying);
    String candidates = ctes.add("__pgt_k", candidates(core, lineage, ctes, context));
    String restriction = anchors.isEmpty() ? anyItemRestriction(identifying, candidates)
        : anchorRestriction(lineage, candidates);
    String where = core.where() == null ? restriction : "(" + core.where() + ") AND " + restriction;
    String list = String.join(", ", select);
    String old = "SELECT " + list + ", -1::bigint AS __pgt_w"
        + (anchors.isEmpty() ? core : core.withOldAmong(anchorIdentities(anchors, candidates)))
            .fromWhere(alias -> ItemForm.OLD_EXACT, where, ctes);
    Set<String> direct = core.block().subqueries().stream().map(ExpressionSubquery::sql)
        .filter(subquery -> old.indexOf(subquery) == old.lastIndexOf(subquery)).collect(Collectors.toSet());
    return "SELECT " + list + ", 1::bigint AS __pgt_w" + core.fromWhere(alias -> ItemForm.NEW, where, ctes)
        + "\nUNION ALL\n" + context.oldTables(old, ctes, (subquery, column) -> direct.contains(subquery)
            ? candidateValues(core, anchors, candidates, column) : null);
  }

  /**
   * SQL selecting the values a column takes among the candidates, when it is a key column of an
   * anchor; null otherwise (and when there are no anchors: every item may be padded). A row the
   * block is evaluated for is a candidate, so a subquery of the block (one whose text appears
   * once: nothing nested elsewhere, where a view's own alias could shadow the column, reads
   * the same) correlated with the column reads only the old images matching one of these values (TPC-H Q17: 8 of 6,071 images, scanned for each
   * of 491 candidate line items).
   */
  private static String candidateValues(CoreQuery core, List<RenderedItem> anchors, String candidates,
      ColumnRef column) {
    if (anchors.isEmpty()) {
      return null;
    }
    String candidate = core.block().owner(column)
        .map(item -> candidateColumn(new ColumnRef(item.alias(), column.column()), anchors)).orElse(null);
    return candidate == null ? null : "SELECT " + candidate + " FROM " + candidates;
  }

  /** The items no outer join pads, whose keys identify the candidates; fails when an item has no key. */
  private static List<RenderedItem> anchors(CoreQuery core) {
    core.items().stream().filter(item -> item.lineage().isEmpty()).findFirst().ifPresent(item -> {
      throw new UnsupportedQueryException("an outer join or subquery over " + item.alias() + ", which has no primary key");
    });
    return core.items().stream().filter(item -> core.preserved().contains(item.alias())).toList();
  }

  /**
   * SQL selecting the keys ({@code __pgt_g1}, ...) of the groups the block's change may touch,
   * read straight off the candidates when every group key is a key column of an anchor: a changed
   * row belongs to a candidate, and its group key is that candidate's. Null otherwise. A superset
   * of the changed groups, found without evaluating the block on both states (TPC-H Q13, counting
   * each customer's orders: 2,556 candidate customers, 87,258 rows evaluated to name them).
   */
  static String candidateGroups(CoreQuery core, GroupKeys keys, Ctes ctes, ProgramContext context) {
    List<RenderedItem> anchors = anchors(core);
    if (anchors.isEmpty() || keys.size() == 0) {
      return null;
    }
    List<String> columns = new ArrayList<>();
    for (ColumnRef key : keys.columns()) {
      String column = key == null ? null : candidateColumn(key, anchors);
      if (column == null) {
        return null;
      }
      columns.add(column);
    }
    String candidates = ctes.add("__pgt_k", candidates(core, lineage(anchors), ctes, context));
    List<String> select = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      select.add(columns.get(i) + " AS " + keys.names().get(i));
    }
    return "SELECT DISTINCT " + String.join(", ", select) + " FROM " + candidates;
  }

  /** The identity columns of some items, in order: the candidates' columns {@code __pgt_c1}, ... */
  private static List<String> lineage(List<RenderedItem> items) {
    List<String> lineage = new ArrayList<>();
    items.forEach(item -> lineage.addAll(item.lineage()));
    return lineage;
  }

  /** The candidate column ({@code __pgt_cN}) holding a column when it is a key column of an anchor; null otherwise. */
  private static String candidateColumn(ColumnRef column, List<RenderedItem> anchors) {
    if (column.qualifier() == null) {
      return null;
    }
    String reference = Sql.identifier(Expressions.unquote(column.qualifier())) + "."
        + Sql.identifier(Expressions.unquote(column.column()));
    int position = 0;
    for (RenderedItem anchor : anchors) {
      for (String lineage : anchor.lineage()) {
        position++;
        if (lineage.equals(reference) || lineage.equals(reference + "::bigint")) {
          return "__pgt_c" + position;
        }
      }
    }
    return null;
  }

  /** For each anchor, SQL selecting its identity columns of the candidates (they are numbered in anchor order). */
  private static Map<String, String> anchorIdentities(List<RenderedItem> anchors, String candidates) {
    Map<String, String> identities = new LinkedHashMap<>();
    int column = 1;
    for (RenderedItem anchor : anchors) {
      List<String> own = new ArrayList<>();
      for (int i = 0; i < anchor.lineage().size(); i++) {
        own.add("__pgt_c" + (column + i));
      }
      identities.put(anchor.alias(), "SELECT " + String.join(", ", own) + " FROM " + candidates);
      column += own.size();
    }
    return identities;
  }

  /** Rows whose anchors are candidates; each anchor column is also restricted on its own, for the planner. */
  private static String anchorRestriction(List<String> lineage, String candidates) {
    List<String> parts = new ArrayList<>();
    parts.add("(" + String.join(", ", lineage) + ") IN (SELECT " + String.join(", ", names(lineage.size()))
        + " FROM " + candidates + ")");
    if (lineage.size() > 1) {
      for (int i = 0; i < lineage.size(); i++) {
        parts.add(lineage.get(i) + " IN (SELECT __pgt_c" + (i + 1) + " FROM " + candidates + ")");
      }
    }
    return String.join(" AND ", parts);
  }

  /** Rows where any item's key is a candidate (every item may be padded). */
  private static String anyItemRestriction(List<RenderedItem> items, String candidates) {
    List<String> parts = new ArrayList<>();
    int column = 1;
    for (RenderedItem item : items) {
      List<String> own = new ArrayList<>();
      for (int i = 0; i < item.lineage().size(); i++) {
        own.add("__pgt_c" + (column + i));
      }
      parts.add("(" + String.join(", ", item.lineage()) + ") IN (SELECT " + String.join(", ", own) + " FROM "
          + candidates + " WHERE " + own.get(0) + " IS NOT NULL)");
      column += own.size();
    }
    return "(" + String.join(" OR ", parts) + ")";
  }

  private static List<String> names(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      names.add("__pgt_c" + i);
    }
    return names;
  }

  /**
   * The identifying keys of every row involving a touched row, or reading one through a
   * subquery. More keys than that only cost work (a candidate's rows are recomputed exactly, on
   * both states), so a touched row's old version is joined with the other items' current rows
   * and, separately, with their old images, rather than with their old rows (the union of the
   * untouched current rows and the old images): PostgreSQL probes a table's index but rescans
   * a union's images once per outer row. Only the first {@link JoinDeltaRule#MAX_DISTRIBUTED}
   * other items are split so; later ones stay unions. The parts reading a touched row, or a
   * subquery's change, are marked for the refresh to drop when there is none.
   */
  private static String candidates(CoreQuery core, List<String> lineage, Ctes ctes, ProgramContext context) {
    String safe = safeConditions(core);
    List<String> names = names(lineage.size());
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < lineage.size(); i++) {
      columns.add(lineage.get(i) + " AS " + names.get(i));
    }
    String list = String.join(", ", columns);
    StringBuilder parts = new StringBuilder();
    BiConsumer<String, List<Set<Long>>> part = (sql, needs) -> core.sources().appendBranch(parts, sql, needs);
    List<RenderedItem> changing = core.items().stream().filter(RenderedItem::changes).toList();
    for (RenderedItem touched : changing) {
      String alias = touched.alias();
      String present = core.preserved().contains(alias) ? null
          : touched.lineage().stream().map(key -> key + " IS NOT NULL").collect(Collectors.joining(" AND "));
      String where = safe == null ? present : present == null ? safe : safe + " AND " + present;
      part.accept("SELECT " + list + core.fromWhere(a -> a.equals(alias) ? ItemForm.TOUCHED_NEW : ItemForm.NEW, where,
          ctes), List.of(touched.sources()));
      List<String> others = changing.stream().map(RenderedItem::alias).filter(a -> !a.equals(alias)).toList();
      List<String> split = others.subList(0, Math.min(others.size(), JoinDeltaRule.MAX_DISTRIBUTED));
      for (Set<String> imaged : JoinDeltaRule.subsets(split)) {
        Function<String, ItemForm> forms = a -> a.equals(alias) || imaged.contains(a) ? ItemForm.TOUCHED_OLD
            : split.contains(a) ? ItemForm.NEW : ItemForm.OLD_EXACT;
        part.accept("SELECT " + list + core.fromWhere(forms, where, ctes), changing.stream()
            .filter(item -> forms.apply(item.alias()) == ItemForm.TOUCHED_OLD).map(RenderedItem::sources).toList());
      }
      if (present != null) {
        paddedCandidates(core, alias, list, safe, present, ctes).forEach(sql -> part.accept(sql, List.of(touched.sources())));
      }
    }
    new SubqueryCandidates(core, list, safe, ctes, context).parts().forEach(p -> part.accept(p.sql(), p.needs()));
    return "SELECT DISTINCT * FROM (\n" + parts + "\n) __pgt_candidates";
  }

  /**
   * The rows padded in place of a touched item that an outer join pads, before and after the
   * change: rendered with the item empty, for the rows of its join partners (the other items
   * a padding join's condition reads) that met a touched row in that join. Their keys can
   * differ from those of the rows holding the touched row, since later joins may read the
   * padded NULLs. When no padding join's condition reads the item, every row is a candidate.
   */
  private static List<String> paddedCandidates(CoreQuery core, String alias, String list, String safe, String present,
      Ctes ctes) {
    List<JoinStep> joins = core.block().from().joins();
    List<String> restrictions = new ArrayList<>();
    boolean unrestricted = false;
    for (int step = 0; step < joins.size(); step++) {
      JoinStep join = joins.get(step);
      Set<ColumnRef> read = Expressions.columns(join.condition());
      if (join.kind() == JoinKind.INNER || join.kind() == JoinKind.CROSS
          || read.stream().noneMatch(column -> owner(core, column).equals(alias))) {
        continue;
      }
      List<String> keys = new ArrayList<>();
      for (RenderedItem partner : core.items().subList(0, step + 2)) {
        boolean readsPartner = read.stream().anyMatch(column -> owner(core, column).equals(partner.alias()));
        if (!partner.alias().equals(alias) && readsPartner) {
          keys.addAll(partner.lineage());
        }
      }
      if (keys.isEmpty()) {
        unrestricted = true;
        continue;
      }
      String partners = String.join(", ", keys);
      int prefix = step + 1;
      restrictions.add("(" + partners + ") IN (SELECT " + partners
          + core.fromWhere(prefix, a -> a.equals(alias) ? ItemForm.TOUCHED_NEW : ItemForm.NEW, present, ctes)
          + "\n  UNION ALL SELECT " + partners
          + core.fromWhere(prefix, a -> a.equals(alias) ? ItemForm.TOUCHED_OLD : ItemForm.OLD_EXACT, present, ctes) + ")");
    }
    String where = safe;
    if (!unrestricted && !restrictions.isEmpty()) {
      String restriction = "(" + String.join(" OR ", restrictions) + ")";
      where = where == null ? restriction : where + " AND " + restriction;
    }
    return List.of(
        "SELECT " + list + core.fromWhere(a -> a.equals(alias) ? ItemForm.EMPTY : ItemForm.NEW, where, ctes),
        "SELECT " + list + core.fromWhere(a -> a.equals(alias) ? ItemForm.EMPTY : ItemForm.OLD_EXACT, where, ctes));
  }

  private static String owner(CoreQuery core, ColumnRef column) {
    return core.block().owner(column).map(FromItem::alias).orElse("");
  }

  /**
   * The WHERE conjuncts that hold for every row the block outputs and cannot flip with a padded
   * side or a subquery: those without subqueries that read only preserved items. Null when none.
   */
  static String safeConditions(CoreQuery core) {
    Set<String> preserved = Set.copyOf(core.preserved());
    Function<Expression, Boolean> safe = conjunct -> !Expressions.containsSubquery(conjunct)
        && Expressions.columns(conjunct).stream().allMatch(column -> core.block().owner(column)
            .map(item -> preserved.contains(item.alias())).orElse(true));
    List<String> kept = Expressions.conjuncts(core.block().where()).stream().filter(safe::apply)
        .map(conjunct -> "(" + conjunct + ")").toList();
    return kept.isEmpty() ? null : String.join(" AND ", kept);
  }
}
