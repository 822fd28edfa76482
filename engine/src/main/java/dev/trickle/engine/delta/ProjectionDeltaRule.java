package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Block;
import java.util.ArrayList;
import java.util.List;

/**
 * A block that selects, filters and joins (no grouping, DISTINCT, window or LIMIT). Its rows
 * are identified by the keys of the rows they come from (by their contents, {@link ContentRows},
 * when a source has no key); its change is the block's Z-set
 * change with equal rows' weights summed: +1 is a row's new contents, −1 an old version.
 */
final class ProjectionDeltaRule {
  private ProjectionDeltaRule() {}

  static ProgramParts program(Block block, ProgramContext context) {
    CoreQuery core = context.core(block);
    List<String> lineage = core.lineage();
    for (RenderedItem item : core.items()) {
      if (item.lineage().isEmpty()) {
        if (block.from().hasOuterJoins() || block.from().hasLateralItems() || !block.subqueries().isEmpty()) {
          throw new UnsupportedQueryException("rows of " + item.alias() + ", which has no primary key, with an outer"
              + " join, LATERAL item or subquery in the same SELECT");
        }
        return new ContentRows(block, context).program();
      }
    }
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < block.select().size(); i++) {
      outputs.add(block.select().get(i).expression() + " AS " + Sql.identifier(context.outputs().get(i).name()));
    }
    Ctes fullCtes = new Ctes();
    String full = fullCtes.statement("SELECT " + context.rowId(lineage) + " AS __pgt_row_id, " + String.join(", ", outputs)
        + core.fromWhere(alias -> ItemForm.NEW, core.where(), fullCtes));
    return new ProgramParts(full, delta(block, core, lineage, context), List.of(), "projection: rows identified by source keys");
  }

  private static String delta(Block block, CoreQuery core, List<String> lineage, ProgramContext context) {
    List<String> select = new ArrayList<>();
    List<String> outputNames = new ArrayList<>();
    for (int i = 0; i < block.select().size(); i++) {
      select.add(block.select().get(i).expression() + " AS __pgt_o" + (i + 1));
      outputNames.add("__pgt_o" + (i + 1));
    }
    select.add(context.rowId(lineage) + " AS __pgt_rid");
    Ctes ctes = new Ctes();
    String changes = ctes.add("__pgt_z", context.blockDelta(block, select, ctes));
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < outputNames.size(); i++) {
      columns.add(outputNames.get(i) + " AS " + Sql.identifier(context.outputs().get(i).name()));
    }
    if (core.items().size() == 1 && core.items().get(0) instanceof TableRendering && block.subqueries().isEmpty()) {
      // One table's consolidated change holds at most a row's old version (-1) and new one (+1)
      // per key; the refresh keeps the new one, so no netting is needed.
      return ctes.statement("SELECT __pgt_rid AS __pgt_row_id, "
          + "CASE WHEN __pgt_w > 0 THEN 'I' ELSE 'D' END AS __pgt_op, " + String.join(", ", columns) + "\n  FROM " + changes);
    }
    String partition = "__pgt_rid, ROW(" + String.join(", ", outputNames) + ")::text";
    String net = ctes.add("__pgt_n", "SELECT *, sum(__pgt_w) OVER (PARTITION BY " + partition + ") AS __pgt_net, "
        + "row_number() OVER (PARTITION BY " + partition + ") AS __pgt_rn FROM " + changes);
    return ctes.statement("SELECT __pgt_rid AS __pgt_row_id, "
        + "CASE WHEN __pgt_net > 0 THEN 'I' ELSE 'D' END AS __pgt_op, " + String.join(", ", columns)
        + "\n  FROM " + net + " WHERE __pgt_rn = 1 AND __pgt_net <> 0");
  }
}
