package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ORDER BY ... LIMIT n [OFFSET m]} at the top: a scoped recompute. When the change
 * touches the rows the block reads, the top n are recomputed and compared with the stored
 * ones; only rows that entered, left or changed are written. Top groups ordered by selected
 * columns are refreshed from the touched groups instead ({@link TopGroups}).
 */
final class TopNDeltaRule {
  private TopNDeltaRule() {}

  static ProgramParts program(Block block, ProgramContext context) {
    if (block.windowed() || block.distinct()) {
      throw new UnsupportedQueryException("LIMIT together with window functions or DISTINCT");
    }
    CoreQuery core = context.core(block);
    List<String> identity = identity(block, core, context);
    Ctes fullCtes = new Ctes();
    String full = fullCtes.statement(query(block, core, identity, context, fullCtes));
    Optional<TopGroups> groups = TopGroups.of(block, context);
    if (groups.isPresent()) {
      return new ProgramParts(full, groups.get().delta(ctes -> query(block, core, identity, context, ctes)), List.of(),
          "top-N groups: the touched groups recomputed and ranked with the stored rows");
    }
    Ctes ctes = new Ctes();
    String input = ctes.add("__pgt_in", context.blockDelta(block, List.of("1 AS __pgt_one"), ctes));
    List<String> columns = context.outputs().stream().map(o -> Sql.identifier(o.name())).toList();
    String delta = ctes.statement("SELECT __pgt_row_id, 'I' AS __pgt_op, " + String.join(", ", columns) + " FROM (\n"
        + query(block, core, identity, context, ctes) + "\n) __pgt_top WHERE EXISTS (SELECT 1 FROM " + input + ")"
        + "\nUNION ALL\nSELECT s.__pgt_row_id, 'D', " + String.join(", ", AggregateDeltaRule.nullColumns(context))
        + " FROM {{self}} s WHERE EXISTS (SELECT 1 FROM " + input + ")");
    return new ProgramParts(full, delta, List.of(), "top-N: recomputed when its input changes");
  }

  private static List<String> identity(Block block, CoreQuery core, ProgramContext context) {
    if (block.aggregated()) {
      return GroupKeys.of(block, AggregateDeltaRule.callNodes(block, context)).expressions();
    }
    core.items().stream().filter(item -> item.lineage().isEmpty()).findFirst().ifPresent(item -> {
      throw new UnsupportedQueryException("rows of " + item.alias() + ", which has no primary key");
    });
    return core.lineage();
  }

  private static String query(Block block, CoreQuery core, List<String> identity, ProgramContext context, Ctes ctes) {
    List<String> outputs = new ArrayList<>();
    outputs.add(context.rowId(identity) + " AS __pgt_row_id");
    for (int i = 0; i < block.select().size(); i++) {
      outputs.add(block.select().get(i).expression() + " AS " + Sql.identifier(context.outputs().get(i).name()));
    }
    StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", outputs))
        .append(core.fromWhere(alias -> ItemForm.NEW, core.where(), ctes));
    if (block.aggregated() && !identity.isEmpty()) {
      sql.append("\n GROUP BY ").append(String.join(", ", identity));
    }
    if (block.having() != null) {
      sql.append("\nHAVING ").append(block.having());
    }
    sql.append("\n ORDER BY ").append(String.join(", ", block.orderBy().stream().map(Object::toString).toList()));
    if (block.offset() != null) {
      sql.append(" OFFSET ").append(block.offset());
    }
    if (block.limit() != null) {
      sql.append(" LIMIT ").append(block.limit());
    }
    return sql.toString();
  }
}
