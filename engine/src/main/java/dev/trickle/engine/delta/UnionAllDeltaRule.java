package dev.trickle.engine.delta;

import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.QueryNode;
import dev.trickle.engine.model.UnionAll;
import java.util.ArrayList;
import java.util.List;

/**
 * UNION ALL at the top: each branch is refreshed by its own rule, with row ids that also hash
 * the branch number so branches never collide. Branches that group are recomputed (not
 * merged), so no branch needs hidden state.
 */
final class UnionAllDeltaRule {
  private UnionAllDeltaRule() {}

  static ProgramParts program(UnionAll union, ProgramContext context) {
    List<String> full = new ArrayList<>();
    List<String> delta = new ArrayList<>();
    for (int i = 0; i < union.branches().size(); i++) {
      ProgramParts branch = branch(union.branches().get(i), context.branch(i + 1));
      full.add("SELECT * FROM (\n" + branch.fullSql() + "\n) __pgt_b" + (i + 1));
      delta.add("SELECT * FROM (\n" + branch.deltaSql() + "\n) __pgt_b" + (i + 1));
    }
    return new ProgramParts(String.join("\nUNION ALL\n", full), String.join("\nUNION ALL\n", delta), List.of(),
        "UNION ALL: each branch refreshed on its own");
  }

  private static ProgramParts branch(QueryNode query, ProgramContext context) {
    if (!(query instanceof Block block) || block.windowed() || block.limited()) {
      throw new UnsupportedQueryException("a UNION ALL branch that is itself a set operation, or has a window or LIMIT");
    }
    if (block.aggregated() || block.distinct()) {
      GroupKeys keys = block.distinct() && !block.aggregated()
          ? GroupKeys.ofExpressions(block.select().stream().map(c -> c.expression().toString()).toList())
          : GroupKeys.of(block, AggregateDeltaRule.callNodes(block, context));
      return new AggregateRecompute(block, context, keys).program();
    }
    return ProjectionDeltaRule.program(block, context);
  }
}
