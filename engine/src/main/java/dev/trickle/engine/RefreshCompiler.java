package dev.trickle.engine;

import dev.trickle.engine.delta.DeltaRules;
import dev.trickle.engine.model.PlanPrinter;
import dev.trickle.engine.model.QueryNode;
import dev.trickle.engine.parse.QueryBuilder;
import dev.trickle.protocol.RefreshMode;
import java.util.List;

/**
 * Compiles defining queries into refresh programs.
 *
 * <p>AUTO and DIFFERENTIAL get a differential program when the query's constructs can be
 * maintained; otherwise AUTO falls back to FULL, recording the construct as the reason, and
 * DIFFERENTIAL is refused naming it. IMMEDIATE runs the same differential program inside every
 * statement that writes a source, so it is refused, naming the construct, exactly where
 * DIFFERENTIAL is. FULL always recomputes. Stateless and thread-safe.
 */
public final class RefreshCompiler {
  /**
   * Compiles one stream table's definition.
   *
   * @param streamTable the stream table's display name, used in messages
   * @param definingQuery the query as PostgreSQL deparses it (schema-qualified)
   * @param outputs the stream table's query columns (names and types), in storage order
   * @throws InvalidQueryException if the query is not a single SELECT
   * @throws UnsupportedRefreshModeException if the requested mode cannot be honoured
   */
  public Compilation compile(String streamTable, String definingQuery, RefreshMode requested, SchemaCatalog catalog,
      List<OutputColumnInfo> outputs) {
    DefiningQuery.parse(definingQuery);
    if (requested == RefreshMode.FULL) {
      return new Compilation(RefreshMode.FULL, "FULL refresh requested", RefreshProgram.fullRecompute(plan(definingQuery, catalog)));
    }
    try {
      QueryNode query = QueryBuilder.build(definingQuery, catalog);
      DeltaRules.Program program = DeltaRules.program(query, catalog, outputs);
      RefreshProgram differential = new RefreshProgram(RefreshProgram.CURRENT_FORMAT, RefreshMode.DIFFERENTIAL,
          program.fullSql(), program.deltaSql(), program.sources(), program.aux(), PlanPrinter.print(query),
          program.strategy());
      if (requested == RefreshMode.IMMEDIATE) {
        return new Compilation(RefreshMode.IMMEDIATE,
            "refreshed inside every statement that writes a source: " + program.strategy(), differential);
      }
      return new Compilation(RefreshMode.DIFFERENTIAL, program.strategy(), differential);
    } catch (UnsupportedQueryException e) {
      if (requested != RefreshMode.AUTO) {
        throw new UnsupportedRefreshModeException("stream table '" + streamTable + "': " + requested
            + " refresh cannot maintain " + e.construct() + "; use refresh_mode => 'AUTO' or 'FULL'");
      }
      return new Compilation(RefreshMode.FULL, "AUTO chose FULL: the differential engine cannot maintain " + e.construct(),
          RefreshProgram.fullRecompute(plan(definingQuery, catalog)));
    }
  }

  private static String plan(String definingQuery, SchemaCatalog catalog) {
    try {
      return PlanPrinter.print(QueryBuilder.build(definingQuery, catalog));
    } catch (UnsupportedQueryException | InvalidQueryException e) {
      return "(no operator tree: " + e.getMessage() + ")";
    }
  }
}
