package dev.trickle.engine.delta;

import dev.trickle.engine.AuxColumn;
import dev.trickle.engine.OutputColumnInfo;
import dev.trickle.engine.SchemaCatalog;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.QueryNode;
import dev.trickle.engine.model.UnionAll;
import java.util.List;

/**
 * The catalog of top-level delta rules: picks the rule for a query's shape and returns the
 * program it generates. The query's own layers decide: LIMIT → {@link TopNDeltaRule}, window
 * functions → {@link WindowDeltaRule}, grouping or DISTINCT → {@link AggregateDeltaRule},
 * UNION ALL → {@link UnionAllDeltaRule}, the rows of a WITH RECURSIVE ... UNION →
 * {@link RecursiveDeltaRule}, anything else → {@link ProjectionDeltaRule}.
 */
public final class DeltaRules {
  private DeltaRules() {}

  /**
   * A differential program for the query.
   *
   * @param outputs the stream table's query columns (names and types), in storage order
   * @throws UnsupportedQueryException naming the construct no rule can maintain
   */
  public static Program program(QueryNode query, SchemaCatalog catalog, List<OutputColumnInfo> outputs) {
    if (query.columnNames().size() != outputs.size()) {
      throw new IllegalArgumentException("the query has " + query.columnNames().size() + " columns, the stream table "
          + outputs.size());
    }
    ProgramContext context = new ProgramContext(catalog, outputs, query);
    ProgramParts parts = rule(query, context);
    return new Program(context.currentTables(parts.fullSql()), context.currentTables(parts.deltaSql()),
        context.sources().sources(), parts.aux(), parts.strategy());
  }

  private static ProgramParts rule(QueryNode query, ProgramContext context) {
    if (query instanceof UnionAll union) {
      return UnionAllDeltaRule.program(union, context);
    }
    Block block = (Block) query;
    if (block.from() == null) {
      throw new UnsupportedQueryException("a query without FROM (it has no sources to follow)");
    }
    if (block.limited()) {
      return TopNDeltaRule.program(block, context);
    }
    if (block.windowed()) {
      return WindowDeltaRule.program(block, context);
    }
    if (block.aggregated() || block.distinct()) {
      if (block.aggregated() && block.distinct()) {
        throw new UnsupportedQueryException("DISTINCT over grouped results");
      }
      return AggregateDeltaRule.program(block, context);
    }
    java.util.Optional<dev.trickle.engine.model.RecursiveQuery> recursion = RecursiveDeltaRule.recursion(block);
    if (recursion.isPresent()) {
      return RecursiveDeltaRule.program(recursion.get(), context);
    }
    return ProjectionDeltaRule.program(block, context);
  }

  /**
   * A generated program.
   *
   * @param fullSql the full contents: __pgt_row_id then every storage column by name
   * @param deltaSql the change: __pgt_row_id, __pgt_op ('I' new contents, 'D' absent), the columns
   * @param sources the oids of the relations whose change buffers the delta reads
   * @param aux the hidden columns the program keeps state in
   * @param strategy how the change is computed, for explain
   */
  public record Program(String fullSql, String deltaSql, List<Long> sources, List<AuxColumn> aux, String strategy) {
    public Program {
      sources = List.copyOf(sources);
      aux = List.copyOf(aux);
    }
  }
}
