package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.model.LateralItem;
import java.util.List;

/**
 * A LATERAL item, the same in every form: its rows follow the outer rows it is computed from,
 * in whatever form those are. Its rows are told apart by their position in the set the outer
 * row produces ({@code __pgt_ord}).
 */
final class LateralRendering implements RenderedItem {
  private final LateralItem item;

  LateralRendering(LateralItem item) {
    this.item = item;
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
    return "LATERAL (SELECT *, row_number() OVER () AS __pgt_ord FROM " + item.rows() + " AS " + alias
        + "(" + columns + ")) AS " + alias;
  }
}
