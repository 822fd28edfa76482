package dev.trickle.engine.delta;

import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.JoinStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A block's FROM and WHERE with each item in a chosen form: the SQL every rule builds on.
 * Joins keep their kind and conditions, so the user's expressions apply unchanged.
 */
final class CoreQuery {
  private final Block block;
  private final Map<String, RenderedItem> items;
  private final SourceDeltas sources;

  CoreQuery(Block block, Map<String, RenderedItem> items, SourceDeltas sources) {
    this.block = block;
    this.items = items;
    this.sources = sources;
  }

  /**
   * The same query with the given items' {@link ItemForm#OLD_EXACT} form restricted to the rows
   * among an identity query each ({@link RenderedItem#renderOldAmong}), keyed by alias.
   */
  CoreQuery withOldAmong(Map<String, String> identities) {
    Map<String, RenderedItem> restricted = new LinkedHashMap<>(items);
    identities.forEach((alias, among) -> restricted.put(alias, new OldAmong(items.get(alias), among)));
    return new CoreQuery(block, restricted, sources);
  }

  /** An item whose old rows are read among given identities only. */
  private record OldAmong(RenderedItem item, String identities) implements RenderedItem {
    @Override
    public String alias() {
      return item.alias();
    }

    @Override
    public String render(ItemForm form, Ctes ctes) {
      return form == ItemForm.OLD_EXACT ? item.renderOldAmong(identities, ctes) : item.render(form, ctes);
    }

    @Override
    public List<String> lineage() {
      return item.lineage();
    }

    @Override
    public Set<Long> sources() {
      return item.sources();
    }

    @Override
    public boolean changes() {
      return item.changes();
    }
  }

  /** The changes of the program's relations. */
  SourceDeltas sources() {
    return sources;
  }

  Block block() {
    return block;
  }

  /** The items in FROM order. */
  List<RenderedItem> items() {
    return block.from() == null ? List.of() : block.from().items().stream().map(i -> items.get(i.alias())).toList();
  }

  /** The item identities of the whole block, in item order. */
  List<String> lineage() {
    List<String> lineage = new ArrayList<>();
    items().forEach(item -> lineage.addAll(item.lineage()));
    return lineage;
  }

  /** The aliases of items never padded with NULLs by an outer join. */
  List<String> preserved() {
    return block.from() == null ? List.of() : block.from().preserved();
  }

  /** The product of the weights of the weighted items, or "1". */
  String weight(Function<String, ItemForm> forms) {
    List<String> weights = new ArrayList<>();
    for (RenderedItem item : items()) {
      if (forms.apply(item.alias()).weighted()) {
        weights.add(dev.trickle.engine.Sql.identifier(item.alias()) + ".__pgt_w");
      }
    }
    return weights.isEmpty() ? "1::bigint" : String.join(" * ", weights);
  }

  /** "FROM ... [WHERE ...]" with items in the given forms; {@code where} replaces the block's WHERE (null: none). */
  String fromWhere(Function<String, ItemForm> forms, String where, Ctes ctes) {
    return block.from() == null ? (where == null ? "" : " WHERE " + where)
        : fromWhere(block.from().joins().size(), forms, where, ctes);
  }

  /** "FROM ... [WHERE ...]" over the first item and only the first {@code joins} join steps. */
  String fromWhere(int joins, Function<String, ItemForm> forms, String where, Ctes ctes) {
    StringBuilder sql = new StringBuilder(" FROM ");
    sql.append(items.get(block.from().first().alias()).render(forms.apply(block.from().first().alias()), ctes));
    for (JoinStep join : block.from().joins().subList(0, joins)) {
      RenderedItem item = items.get(join.item().alias());
      String rendered = item.render(forms.apply(item.alias()), ctes);
      switch (join.kind()) {
        case CROSS -> sql.append("\n CROSS JOIN ").append(rendered);
        case INNER -> sql.append("\n JOIN ").append(rendered).append(" ON ").append(join.condition());
        case LEFT -> sql.append("\n LEFT JOIN ").append(rendered).append(" ON ").append(join.condition());
        case RIGHT -> sql.append("\n RIGHT JOIN ").append(rendered).append(" ON ").append(join.condition());
        case FULL -> sql.append("\n FULL JOIN ").append(rendered).append(" ON ").append(join.condition());
      }
    }
    if (where != null) {
      sql.append("\n WHERE ").append(where);
    }
    return sql.toString();
  }

  /** The block's own WHERE as text, or null. */
  String where() {
    return block.where() == null ? null : block.where().toString();
  }
}
