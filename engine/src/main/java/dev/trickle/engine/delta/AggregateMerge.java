package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.Expressions;
import java.util.ArrayList;
import java.util.List;

/**
 * An aggregated (or DISTINCT) block whose aggregates are all algebraic, refreshed by merging
 * the change, aggregated per group with its weights, into the {@link AggregateState} each
 * stored row keeps. A group whose count reaches zero is deleted; the query's columns are
 * computed from the state, so they are exactly what the query returns.
 */
final class AggregateMerge {
  private final Block block;
  private final ProgramContext context;
  private final GroupKeys keys;
  private final AggregateState state;

  AggregateMerge(Block block, ProgramContext context, GroupKeys keys, List<AggregateCall> calls) {
    this.block = block;
    this.context = context;
    this.keys = keys;
    this.state = new AggregateState(calls, context, block, keys);
  }

  ProgramParts program() {
    return new ProgramParts(full(), delta(), state.auxColumns(), "aggregate: change merged into stored state");
  }

  private String full() {
    CoreQuery core = context.core(block);
    List<String> columns = new ArrayList<>();
    columns.add(context.rowId(keys.expressions()) + " AS __pgt_row_id");
    for (int i = 0; i < block.select().size(); i++) {
      String expression = block.aggregated() ? block.select().get(i).expression().toString() : keys.expressions().get(i);
      columns.add(expression + " AS " + Sql.identifier(context.outputs().get(i).name()));
    }
    columns.addAll(state.fullColumns());
    return keys.groupedSelect(core, columns);
  }

  private String delta() {
    Ctes ctes = new Ctes();
    String input = ctes.add("__pgt_in", context.blockDelta(block, state.inputColumns(keys), ctes));
    String values = state.changedGroups(input, ctes);
    List<String> columns = new ArrayList<>();
    columns.add("v.__pgt_row_id");
    columns.add((keys.size() > 0 ? "CASE WHEN v.__pgt_count > 0 THEN 'I' ELSE 'D' END" : "'I'") + " AS __pgt_op");
    for (int i = 0; i < block.select().size(); i++) {
      String value = block.aggregated()
          ? Expressions.render(block.select().get(i).expression(), this::keyColumn, state.finals("v"))
          : "v.__pgt_g" + (i + 1);
      columns.add(value + " AS " + Sql.identifier(context.outputs().get(i).name()));
    }
    state.auxColumns().forEach(column -> columns.add("v." + column.name()));
    return ctes.statement("SELECT " + String.join(", ", columns) + " FROM " + values + " v");
  }

  private String keyColumn(ColumnRef column) {
    int index = keys.columns().indexOf(column);
    if (index < 0) {
      throw new IllegalStateException("column " + column + " is neither grouped nor aggregated");
    }
    return "v.__pgt_g" + (index + 1);
  }
}
