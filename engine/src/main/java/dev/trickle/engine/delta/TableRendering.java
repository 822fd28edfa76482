package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.model.TableItem;
import java.util.List;
import java.util.Set;

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
  public Set<Long> sources() {
    return Set.of(item.relation().oid());
  }

  /** The key columns; a bigint one carries a (no-op) cast that tells {@link RowIds} to hash its two halves. */
  @Override
  public List<String> lineage() {
    return item.relation().key().stream().map(k -> Sql.identifier(item.alias()) + "." + Sql.identifier(k)
        + (item.relation().column(k).filter(column -> column.type().equals("bigint")).isPresent() ? "::bigint" : ""))
        .toList();
  }

  @Override
  public String render(ItemForm form, Ctes ctes) {
    String table = item.relation().qualifiedName();
    String columns = deltas.quotedColumns(item.relation());
    String sql = switch (form) {
      case NEW -> table;
      case DELTA -> deltas.deltaCte(item.relation(), ctes);
      case OLD_ZSET -> deltas.oldZset(item.relation(), ctes);
      case OLD_EXACT -> deltas.oldRows(item.relation(), ctes);
      case TOUCHED_NEW -> deltas.insertedRows(item.relation(), ctes);
      case TOUCHED_OLD -> deltas.touchedOldRows(item.relation(), ctes);
      case EMPTY -> "(SELECT " + columns + " FROM " + table + " WHERE false)";
    };
    return sql + " AS " + Sql.identifier(item.alias());
  }

  @Override
  public String renderOldAmong(String identities, Ctes ctes) {
    return deltas.oldRowsAmong(item.relation(), identities, ctes) + " AS " + Sql.identifier(item.alias());
  }
}
