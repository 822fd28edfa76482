package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.model.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An aggregated block refreshed by recomputing the groups its change touched: the change
 * names the affected groups, the current rows of just those groups give their new contents,
 * and groups that no longer exist (or fail HAVING) are deleted.
 */
final class AggregateRecompute {
  private final Block block;
  private final ProgramContext context;
  private final GroupKeys keys;

  AggregateRecompute(Block block, ProgramContext context, GroupKeys keys) {
    this.block = block;
    this.context = context;
    this.keys = keys;
  }

  ProgramParts program() {
    Ctes fullCtes = new Ctes();
    String full = fullCtes.statement(query(null, fullCtes));
    return new ProgramParts(full, delta(), List.of(),
        keys.size() == 0 ? "aggregate: recomputed when its input changes" : "aggregate: affected groups recomputed");
  }

  /** The block's rows with row ids, optionally only for the groups in {@code affected}. */
  String query(String affected, Ctes ctes) {
    CoreQuery core = context.core(block);
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < block.select().size(); i++) {
      outputs.add(block.select().get(i).expression() + " AS " + Sql.identifier(context.outputs().get(i).name()));
    }
    String where = core.where();
    if (affected != null) {
      String restriction = keys.restriction(affected);
      where = where == null ? restriction : "(" + where + ") AND " + restriction;
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    if (block.distinct() && !block.aggregated()) {
      sql.append("DISTINCT ");
    }
    sql.append(context.rowId(keys.expressions())).append(" AS __pgt_row_id, ").append(String.join(", ", outputs))
        .append(core.fromWhere(alias -> ItemForm.NEW, where, ctes));
    if (block.aggregated() && keys.size() > 0) {
      sql.append("\n GROUP BY ").append(String.join(", ", keys.expressions()));
    }
    if (block.having() != null) {
      sql.append("\nHAVING ").append(block.having());
    }
    return sql.toString();
  }

  private String delta() {
    Ctes ctes = new Ctes();
    List<String> columns = context.outputs().stream().map(o -> Sql.identifier(o.name())).toList();
    if (keys.size() == 0) {
      String input = ctes.add("__pgt_in", context.blockDelta(block, keys.probe(), ctes));
      String full = query(null, ctes);
      return ctes.statement("SELECT __pgt_row_id, 'I' AS __pgt_op, " + String.join(", ", columns) + " FROM (\n" + full
          + "\n) __pgt_all WHERE EXISTS (SELECT 1 FROM " + input + ")");
    }
    List<String> groupNames = keys.names();
    String affected = ctes.add("__pgt_ag", context.changedGroups(block, keys, ctes));
    String recomputed = query(affected, ctes);
    return ctes.statement("SELECT __pgt_row_id, 'I' AS __pgt_op, " + String.join(", ", columns) + " FROM (\n" + recomputed
        + "\n) __pgt_new\nUNION ALL\nSELECT " + context.rowId(groupNames) + ", 'D', "
        + String.join(", ", AggregateDeltaRule.nullColumns(context)) + " FROM " + affected);
  }
}
