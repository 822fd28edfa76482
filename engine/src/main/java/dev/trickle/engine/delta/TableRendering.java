package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.model.TableItem;
import java.util.List;

/** A table or stream table rendered from its relation and its consolidated change. */
final class TableRendering implements RenderedItem {
  private final TableItem item;
  private final SourceDeltas deltas;

  TableRendering(TableItem item, SourceDeltas deltas) {
    this.item = item;
    this.deltas = deltas;
  }

  @Override
  public String alias() {
    return item.alias();
  }

  @Override
  public List<String> lineage() {
    return item.relation().key().stream().map(k -> Sql.identifier(item.alias()) + "." + Sql.identifier(k)).toList();
  }

  @Override
  public String render(ItemForm form, Ctes ctes) {
    String table = item.relation().qualifiedName();
    String columns = deltas.quotedColumns(item.relation());
    String key = "(" + String.join(", ", item.relation().key().stream().map(Sql::identifier).toList()) + ")";
    String sql = switch (form) {
      case NEW -> table;
      case DELTA -> deltas.deltaCte(item.relation(), ctes);
      case OLD_ZSET -> "(SELECT " + columns + ", 1::bigint AS __pgt_w FROM " + table
          + " UNION ALL SELECT " + columns + ", -__pgt_w FROM " + deltas.deltaCte(item.relation(), ctes) + ")";
      case OLD_EXACT -> "(SELECT " + columns + " FROM " + table + " WHERE " + key + " NOT IN (SELECT " + key.substring(1,
          key.length() - 1) + " FROM " + deltas.deltaCte(item.relation(), ctes) + ") UNION ALL SELECT " + columns
          + " FROM " + deltas.deltaCte(item.relation(), ctes) + " WHERE __pgt_w < 0)";
      case TOUCHED_NEW -> "(SELECT " + columns + " FROM " + table + " WHERE " + key + " IN (SELECT "
          + key.substring(1, key.length() - 1) + " FROM " + deltas.deltaCte(item.relation(), ctes) + "))";
      case TOUCHED_OLD -> "(SELECT " + columns + " FROM " + deltas.deltaCte(item.relation(), ctes) + " WHERE __pgt_w < 0)";
    };
    return sql + " AS " + Sql.identifier(item.alias());
  }
}
