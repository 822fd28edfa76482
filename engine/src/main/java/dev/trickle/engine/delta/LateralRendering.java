package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.model.LateralItem;
import dev.trickle.engine.model.SubqueryTables;
import java.util.List;

/**
 * A LATERAL item: its rows follow the outer rows it is computed from, in whatever form those
 * are; the tables a LATERAL subquery reads are read in the old state when the item is. Its rows
 * are told apart by their position in the set the outer row produces ({@code __pgt_ord}; for a
 * subquery, in the order of the rows' text, so that the same rows get the same positions).
 */
final class LateralRendering implements RenderedItem {
  private final LateralItem item;
  private final ProgramContext context;

  LateralRendering(LateralItem item, ProgramContext context) {
    this.item = item;
    this.context = context;
  }

  @Override
  public String alias() {
    return item.alias();
  }

  @Override
  public List<String> lineage() {
    return List.of(Sql.identifier(item.alias()) + ".__pgt_ord");
  }

  @Override
  public boolean changes() {
    return false;
  }

  @Override
  public String render(ItemForm form, Ctes ctes) {
    String alias = Sql.identifier(item.alias());
    String columns = String.join(", ", item.columns().stream().map(Sql::identifier).toList());
    boolean old = form == ItemForm.OLD_EXACT || form == ItemForm.OLD_ZSET || form == ItemForm.TOUCHED_OLD;
    String rows = old ? context.oldTables(item.rows(), ctes) : item.rows();
    String order = SubqueryTables.present(item.rows()) ? "ORDER BY " + alias + "::text" : "";
    return "LATERAL (SELECT *, row_number() OVER (" + order + ") AS __pgt_ord FROM " + rows + " AS " + alias
        + "(" + columns + ")) AS " + alias;
  }
}
