package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.model.Block;
import java.util.ArrayList;
import java.util.List;

/**
 * A projection over a source without a key (a table whose rows may repeat): the stream table
 * holds the query's rows as a multiset, each row identified by its contents (as text) and its
 * occurrence among equal rows, 1..n. A change nets the block's Z-set change per contents; the
 * stored occurrences of those contents are counted by probing their row ids in order (they are
 * always 1..n), and occurrences are added above the count or removed from the top.
 */
final class ContentRows {
  private final Block block;
  private final ProgramContext context;

  ContentRows(Block block, ProgramContext context) {
    this.block = block;
    this.context = context;
  }

  ProgramParts program() {
    CoreQuery core = context.core(block);
    List<String> outputs = new ArrayList<>();
    List<String> expressions = new ArrayList<>();
    for (int i = 0; i < block.select().size(); i++) {
      expressions.add(block.select().get(i).expression().toString());
      outputs.add(expressions.get(i) + " AS " + Sql.identifier(context.outputs().get(i).name()));
    }
    String text = "ROW(" + String.join(", ", expressions) + ")::text";
    Ctes fullCtes = new Ctes();
    String full = fullCtes.statement("SELECT " + id(text, "row_number() OVER (PARTITION BY " + text + ")")
        + " AS __pgt_row_id, " + String.join(", ", outputs) + core.fromWhere(alias -> ItemForm.NEW, core.where(), fullCtes));
    return new ProgramParts(full, delta(), List.of(), "projection of rows without a key: rows counted by their contents");
  }

  /** The row id of occurrence {@code occurrence} of the contents printed as {@code text}. */
  private String id(String text, String occurrence) {
    return context.rowId(List.of("hashtextextended(" + text + ", 0)", occurrence));
  }

  private String delta() {
    List<String> select = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> picked = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < block.select().size(); i++) {
      String name = "__pgt_o" + (i + 1);
      select.add(block.select().get(i).expression() + " AS " + name);
      names.add(name);
      picked.add("(array_agg(" + name + "))[1] AS " + name);
      columns.add("h." + name + " AS " + Sql.identifier(context.outputs().get(i).name()));
    }
    String text = "ROW(" + String.join(", ", names) + ")::text";
    Ctes ctes = new Ctes();
    String changes = ctes.add("__pgt_z", context.blockDelta(block, select, ctes));
    String net = ctes.add("__pgt_net", "SELECT " + String.join(", ", picked) + ", " + text + " AS __pgt_t, sum(__pgt_w)::bigint"
        + " AS __pgt_w FROM " + changes + " GROUP BY " + text + " HAVING sum(__pgt_w) <> 0");
    String have = ctes.add("__pgt_have", "WITH RECURSIVE __pgt_p(__pgt_t, __pgt_k) AS (\n"
        + "  SELECT __pgt_t, 1::bigint FROM " + net + " WHERE EXISTS (SELECT 1 FROM {{self}} s WHERE s.__pgt_row_id = "
        + id("__pgt_t", "1::bigint") + ")\n  UNION ALL\n"
        + "  SELECT __pgt_t, __pgt_k + 1 FROM __pgt_p WHERE EXISTS (SELECT 1 FROM {{self}} s WHERE s.__pgt_row_id = "
        + id("__pgt_t", "__pgt_k + 1") + "))\n"
        + "SELECT n.*, coalesce(m.__pgt_c, 0) AS __pgt_c FROM " + net + " n\n"
        + "  LEFT JOIN (SELECT __pgt_t, max(__pgt_k) AS __pgt_c FROM __pgt_p GROUP BY __pgt_t) m ON m.__pgt_t = n.__pgt_t");
    String list = String.join(", ", columns);
    String occurrence = "__pgt_g.__pgt_k";
    return ctes.statement("SELECT " + id("h.__pgt_t", occurrence) + " AS __pgt_row_id, 'I' AS __pgt_op, " + list
        + " FROM " + have + " h CROSS JOIN LATERAL generate_series(h.__pgt_c + 1, h.__pgt_c + h.__pgt_w) AS __pgt_g(__pgt_k)"
        + " WHERE h.__pgt_w > 0\nUNION ALL\n"
        + "SELECT " + id("h.__pgt_t", occurrence) + ", 'D', " + list + " FROM " + have + " h CROSS JOIN LATERAL"
        + " generate_series(h.__pgt_c + h.__pgt_w + 1, h.__pgt_c) AS __pgt_g(__pgt_k) WHERE h.__pgt_w < 0");
  }
}
