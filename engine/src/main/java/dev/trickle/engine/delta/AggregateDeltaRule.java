package dev.trickle.engine.delta;

import dev.trickle.engine.AuxColumn;
import dev.trickle.engine.Sql;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.OutputColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;

/**
 * A grouping block (GROUP BY, aggregates, HAVING) or a DISTINCT block at the top. Rows are
 * identified by their group key. When every aggregate is algebraic (count, exact sum and avg),
 * the groups are plain columns and there is no HAVING, each refresh merges the change into
 * state kept in hidden columns — its cost grows with the change only. Otherwise the groups the
 * change touched are recomputed from the current rows.
 */
final class AggregateDeltaRule {
  private AggregateDeltaRule() {}

  static ProgramParts program(Block block, ProgramContext context) {
    List<Expression> nodes = block.distinct() && !block.aggregated() ? List.of() : callNodes(block, context);
    GroupKeys keys = block.distinct() && !block.aggregated() ? distinctKeys(block) : GroupKeys.of(block, nodes);
    List<AggregateCall> calls = describe(nodes, block, context);
    boolean merge = block.having() == null && keys.allColumns() && calls.stream().allMatch(AggregateCall::algebraic);
    return merge
        ? new AggregateMerge(block, context, keys, calls).program()
        : new AggregateRecompute(block, context, keys).program();
  }

  static List<Expression> callNodes(Block block, ProgramContext context) {
    List<Expression> nodes = new ArrayList<>();
    List<Expression> expressions = new ArrayList<>();
    block.select().stream().map(OutputColumn::expression).forEach(expressions::add);
    if (block.having() != null) {
      expressions.add(block.having());
    }
    for (Expression expression : expressions) {
      for (Expression call : Expressions.aggregateCalls(expression, name -> context.catalog().function(name).aggregate())) {
        if (nodes.stream().noneMatch(n -> n == call)) {
          nodes.add(call);
        }
      }
    }
    return nodes;
  }

  private static GroupKeys distinctKeys(Block block) {
    List<String> expressions = block.select().stream().map(c -> c.expression().toString()).toList();
    List<dev.trickle.engine.model.ColumnRef> columns = new ArrayList<>();
    List<Boolean> nullable = new ArrayList<>();
    for (int i = 0; i < expressions.size(); i++) {
      columns.add(new dev.trickle.engine.model.ColumnRef("__pgt_distinct", "c" + i));
      nullable.add(true);
    }
    return new GroupKeys(expressions, columns, nullable);
  }

  /** The calls with their result types, inferred by PostgreSQL from a probe query. */
  static List<AggregateCall> describe(List<Expression> nodes, Block block, ProgramContext context) {
    if (nodes.isEmpty()) {
      return List.of();
    }
    CoreQuery core = context.core(block);
    Ctes ctes = new Ctes();
    List<String> selected = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      selected.add(nodes.get(i) + " AS __pgt_t" + (i + 1));
    }
    List<String> types = context.typesOf(ctes.statement("SELECT " + String.join(", ", selected)
        + core.fromWhere(alias -> ItemForm.NEW, core.where(), ctes)));
    List<AggregateCall> calls = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      calls.add(AggregateCall.of(nodes.get(i), types.get(i)));
    }
    return calls;
  }

  /** "NULL::type AS name" for every query column: the contents of a 'D' row. */
  static List<String> nullColumns(ProgramContext context) {
    return context.outputs().stream().map(o -> "NULL::" + o.type() + " AS " + Sql.identifier(o.name())).toList();
  }

  static List<AuxColumn> none() {
    return List.of();
  }
}
