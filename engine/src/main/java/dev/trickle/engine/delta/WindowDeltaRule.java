package dev.trickle.engine.delta;

import dev.trickle.engine.AuxColumn;
import dev.trickle.engine.Sql;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.OutputColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Expression;

/**
 * A block with window functions at the top: only the window partitions the change touched are
 * recomputed. Rows store their partition's hash in {@code __pgt_partition}, so the old rows of
 * a partition are found in storage. Over plain rows, an affected partition's new rows come
 * from the current tables; over groups (a window over an aggregate, such as
 * {@code RANK() OVER (ORDER BY SUM(score) DESC)}), the partition's groups come from storage —
 * each row keeps its group key and aggregate state — with the changed groups merged in, so
 * the aggregation never rescans the tables.
 */
final class WindowDeltaRule {
  private WindowDeltaRule() {}

  static ProgramParts program(Block block, ProgramContext context) {
    if (block.distinct()) {
      throw new UnsupportedQueryException("DISTINCT together with window functions");
    }
    List<Expression> partition = commonPartition(block);
    return block.aggregated() ? overGroups(block, context, partition) : overRows(block, context, partition);
  }

  /** The PARTITION BY expressions every window call shares (empty: the whole result is one partition). */
  static List<Expression> commonPartition(Block block) {
    List<Expression> common = null;
    for (OutputColumn column : block.select()) {
      for (AnalyticExpression call : Expressions.windowCalls(column.expression())) {
        List<Expression> own = new ArrayList<>();
        if (call.getPartitionExpressionList() != null) {
          call.getPartitionExpressionList().forEach(e -> own.add((Expression) e));
        }
        if (common == null) {
          common = own;
        } else {
          List<String> texts = own.stream().map(Expression::toString).toList();
          common.removeIf(e -> !texts.contains(e.toString()));
        }
      }
    }
    return common == null ? List.of() : common;
  }

  private static List<String> outputs(Block block, ProgramContext context, java.util.function.Function<Expression, String> render) {
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < block.select().size(); i++) {
      outputs.add(render.apply(block.select().get(i).expression()) + " AS " + Sql.identifier(context.outputs().get(i).name()));
    }
    return outputs;
  }

  private static List<String> nullColumns(ProgramContext context, List<AuxColumn> aux) {
    List<String> columns = new ArrayList<>(AggregateDeltaRule.nullColumns(context));
    aux.forEach(column -> columns.add("NULL::" + column.type() + " AS " + column.name()));
    return columns;
  }

  private static ProgramParts overRows(Block block, ProgramContext context, List<Expression> partition) {
    CoreQuery core = context.core(block);
    core.items().stream().filter(item -> item.lineage().isEmpty()).findFirst().ifPresent(item -> {
      throw new UnsupportedQueryException("rows of " + item.alias() + ", which has no primary key");
    });
    List<String> partitionSql = partition.stream().map(Expression::toString).toList();
    String partitionHash = RowIds.of(partitionSql);
    List<AuxColumn> aux = List.of(new AuxColumn("__pgt_partition", "bigint", !partition.isEmpty()));
    List<String> outputs = outputs(block, context, Expression::toString);
    Ctes fullCtes = new Ctes();
    String full = fullCtes.statement("SELECT " + context.rowId(core.lineage()) + " AS __pgt_row_id, "
        + String.join(", ", outputs) + ", " + partitionHash + " AS __pgt_partition"
        + core.fromWhere(alias -> ItemForm.NEW, core.where(), fullCtes));

    Ctes ctes = new Ctes();
    GroupKeys keys = GroupKeys.ofExpressions(partitionSql);
    String input = ctes.add("__pgt_in", context.blockDelta(block, keys.probe(), ctes));
    String restriction;
    String affectedPartitions;
    if (partitionSql.isEmpty()) {
      restriction = keys.restriction(input);
      affectedPartitions = restriction;
    } else {
      String affected = ctes.add("__pgt_ap", keys.distinct(input));
      restriction = keys.restriction(affected);
      affectedPartitions = "s.__pgt_partition IN (SELECT " + RowIds.of(keys.names()) + " FROM " + affected + ")";
    }
    String where = core.where() == null ? restriction : "(" + core.where() + ") AND " + restriction;
    String delta = ctes.statement("SELECT " + context.rowId(core.lineage()) + " AS __pgt_row_id, 'I' AS __pgt_op, "
        + String.join(", ", outputs) + ", " + partitionHash + " AS __pgt_partition"
        + core.fromWhere(alias -> ItemForm.NEW, where, ctes)
        + "\nUNION ALL\nSELECT s.__pgt_row_id, 'D', " + String.join(", ", nullColumns(context, aux)) + " FROM {{self}} s WHERE "
        + affectedPartitions);
    return new ProgramParts(full, delta, aux, "window: affected partitions recomputed from current rows");
  }

  private static ProgramParts overGroups(Block block, ProgramContext context, List<Expression> partition) {
    if (block.having() != null) {
      throw new UnsupportedQueryException("HAVING together with window functions");
    }
    List<Expression> nodes = AggregateDeltaRule.callNodes(block, context);
    GroupKeys keys = GroupKeys.of(block, nodes);
    if (!keys.allColumns()) {
      throw new UnsupportedQueryException("window functions over a GROUP BY expression");
    }
    List<AggregateCall> calls = AggregateDeltaRule.describe(nodes, block, context);
    if (!calls.stream().allMatch(AggregateCall::algebraic)) {
      throw new UnsupportedQueryException("window functions over non-algebraic aggregates");
    }
    return new WindowOverGroups(block, context, partition, keys, calls).program();
  }

  /** The SQL of a window over groups: partition, outputs and group columns over stored-state rows. */
  private record WindowOverGroups(Block block, ProgramContext context, List<Expression> partition, GroupKeys keys,
      List<AggregateCall> calls) {
    ProgramParts program() {
      AggregateState state = new AggregateState(calls, context, block, keys);
      List<AuxColumn> aux = aux(state);
      return new ProgramParts(full(state), delta(state, aux), aux,
          "window over groups: affected partitions recomputed from stored group state");
    }

    private List<AuxColumn> aux(AggregateState state) {
      CoreQuery core = context.core(block);
      Ctes ctes = new Ctes();
      List<String> probed = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        probed.add(keys.expressions().get(i) + " AS __pgt_t" + (i + 1));
      }
      List<String> types = context.typesOf(ctes.statement("SELECT " + String.join(", ", probed)
          + core.fromWhere(alias -> ItemForm.NEW, core.where(), ctes)));
      List<AuxColumn> aux = new ArrayList<>();
      aux.add(new AuxColumn("__pgt_partition", "bigint", !partition.isEmpty()));
      for (int i = 0; i < keys.size(); i++) {
        aux.add(new AuxColumn("__pgt_g" + (i + 1), types.get(i)));
      }
      aux.addAll(state.auxColumns());
      return aux;
    }

    private String full(AggregateState state) {
      CoreQuery core = context.core(block);
      List<String> columns = new ArrayList<>();
      columns.add(context.rowId(keys.expressions()) + " AS __pgt_row_id");
      columns.addAll(outputs(block, context, Expression::toString));
      columns.add(RowIds.of(partition.stream().map(Expression::toString).toList()) + " AS __pgt_partition");
      for (int i = 0; i < keys.size(); i++) {
        columns.add(keys.expressions().get(i) + " AS __pgt_g" + (i + 1));
      }
      columns.addAll(state.fullColumns());
      return keys.groupedSelect(context.core(block), columns);
    }

    private String overState(Expression expression, String alias, AggregateState state) {
      Map<Expression, String> finals = state.finals(alias);
      return Expressions.render(expression, column -> keyColumn(column, alias), finals);
    }

    private String keyColumn(ColumnRef column, String alias) {
      int index = keys.columns().indexOf(column);
      if (index < 0) {
        throw new IllegalStateException("column " + column + " is neither grouped nor aggregated");
      }
      return alias + ".__pgt_g" + (index + 1);
    }

    private String delta(AggregateState state, List<AuxColumn> aux) {
      Ctes ctes = new Ctes();
      String input = ctes.add("__pgt_in", context.blockDelta(block, state.inputColumns(keys), ctes));
      String changed = state.changedGroups(input, ctes);
      String partitionOfNew = RowIds.of(partition.stream().map(e -> overState(e, "c", state)).toList());
      String partitions = ctes.add("__pgt_ap", "SELECT s.__pgt_partition AS p FROM {{self}} s WHERE s.__pgt_row_id IN "
          + "(SELECT __pgt_row_id FROM " + changed + ")\nUNION\nSELECT " + partitionOfNew + " FROM " + changed
          + " c WHERE c.__pgt_count > 0");
      List<String> stateNames = new ArrayList<>();
      for (int i = 1; i <= keys.size(); i++) {
        stateNames.add("__pgt_g" + i);
      }
      state.auxColumns().forEach(column -> stateNames.add(column.name()));
      List<String> groupColumns = new ArrayList<>();
      for (int i = 1; i <= keys.size(); i++) {
        groupColumns.add("y.__pgt_g" + i);
      }
      List<String> windowed = windowedOutputs();
      List<String> stored = new ArrayList<>();
      windowed.forEach(name -> stored.add("s." + Sql.identifier(name)));
      List<String> fresh = new ArrayList<>();
      windowed.forEach(name -> fresh.add("NULL"));
      String groups = ctes.add("__pgt_y", "SELECT " + String.join(", ", stateNames) + ", false AS __pgt_fresh"
          + suffix(stored, "__pgt_o") + " FROM {{self}} s"
          + " WHERE s.__pgt_partition IN (SELECT p FROM " + partitions + ") AND s.__pgt_row_id NOT IN (SELECT __pgt_row_id FROM "
          + changed + ")\nUNION ALL\nSELECT " + String.join(", ", stateNames) + ", true" + suffix(fresh, "__pgt_o")
          + " FROM " + changed + " WHERE __pgt_count > 0");
      List<String> columns = new ArrayList<>();
      columns.add(context.rowId(groupColumns) + " AS __pgt_row_id");
      columns.add("'I' AS __pgt_op");
      columns.addAll(outputs(block, context, e -> overState(e, "y", state)));
      columns.add(RowIds.of(partition.stream().map(e -> overState(e, "y", state)).toList()) + " AS __pgt_partition");
      stateNames.forEach(name -> columns.add("y." + name));
      List<String> kept = new ArrayList<>(List.of("__pgt_row_id", "__pgt_op"));
      context.outputs().forEach(output -> kept.add(Sql.identifier(output.name())));
      aux.forEach(column -> kept.add(column.name()));
      List<String> moved = new ArrayList<>(List.of("z.__pgt_fresh"));
      for (int i = 0; i < windowed.size(); i++) {
        moved.add("z." + Sql.identifier(windowed.get(i)) + "::text IS DISTINCT FROM z.__pgt_o" + (i + 1) + "::text");
      }
      return ctes.statement("SELECT " + String.join(", ", kept) + " FROM (\nSELECT " + String.join(", ", columns)
          + ", y.__pgt_fresh" + suffix(names("y.__pgt_o", windowed.size()), "__pgt_o") + " FROM " + groups + " y\n) z WHERE "
          + String.join(" OR ", moved)
          + "\nUNION ALL\nSELECT c.__pgt_row_id, 'D', " + String.join(", ", nullColumns(context, aux)) + " FROM " + changed
          + " c WHERE c.__pgt_count = 0");
    }

    /** The output columns holding window function results: the only ones an unchanged group's row can see change. */
    private List<String> windowedOutputs() {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < block.select().size(); i++) {
        if (Expressions.containsWindow(block.select().get(i).expression())) {
          names.add(context.outputs().get(i).name());
        }
      }
      return names;
    }

    private static List<String> names(String prefix, int count) {
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        names.add(prefix + i);
      }
      return names;
    }

    /** ", e1 AS prefix1, e2 AS prefix2 ..." (empty for no expressions). */
    private static String suffix(List<String> expressions, String prefix) {
      StringBuilder sql = new StringBuilder();
      for (int i = 0; i < expressions.size(); i++) {
        sql.append(", ").append(expressions.get(i)).append(" AS ").append(prefix).append(i + 1);
      }
      return sql.toString();
    }
  }
}
