package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.model.DerivedItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A subquery or CTE in FROM, rendered from its compiled current rows and change. */
final class DerivedRendering implements RenderedItem {
  private final DerivedItem item;
  private final Subquery subquery;

  private DerivedRendering(DerivedItem item, Subquery subquery) {
    this.item = item;
    this.subquery = subquery;
  }

  static DerivedRendering of(DerivedItem item, ProgramContext context) {
    return new DerivedRendering(item, SubqueryCompiler.compile(item.query(), context, context.cteName(item)));
  }

  @Override
  public String alias() {
    return item.alias();
  }

  @Override
  public Set<Long> sources() {
    return ProgramContext.sourcesOf(item.query());
  }

  @Override
  public List<String> lineage() {
    return List.of(Sql.identifier(item.alias()) + ".__pgt_k1");
  }

  @Override
  public String render(ItemForm form, Ctes ctes) {
    List<String> quoted = new ArrayList<>(subquery.columns().stream().map(Sql::identifier).toList());
    quoted.add("__pgt_k1");
    String columns = String.join(", ", quoted);
    String current = "(" + subquery.newSql() + ") __pgt_x";
    String sql = switch (form) {
      case NEW -> "(" + subquery.newSql() + ")";
      case DELTA -> subquery.deltaCte(ctes);
      case OLD_ZSET -> "(SELECT " + columns + ", 1::bigint AS __pgt_w FROM " + current + " UNION ALL SELECT " + columns
          + ", -__pgt_w FROM " + subquery.deltaCte(ctes) + ")";
      case OLD_EXACT -> "(SELECT " + columns + " FROM " + current + " WHERE __pgt_k1 NOT IN (SELECT __pgt_k1 FROM "
          + subquery.deltaCte(ctes) + ") UNION ALL SELECT " + columns + " FROM " + subquery.deltaCte(ctes)
          + " WHERE __pgt_w < 0)";
      case TOUCHED_NEW -> "(SELECT " + columns + " FROM " + current + " WHERE __pgt_k1 IN (SELECT __pgt_k1 FROM "
          + subquery.deltaCte(ctes) + "))";
      case TOUCHED_OLD -> "(SELECT " + columns + " FROM " + subquery.deltaCte(ctes) + " WHERE __pgt_w < 0)";
      case EMPTY -> "(SELECT " + columns + " FROM " + current + " WHERE false)";
    };
    return sql + " AS " + Sql.identifier(item.alias());
  }
}
