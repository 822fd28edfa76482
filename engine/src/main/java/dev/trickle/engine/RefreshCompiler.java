package dev.trickle.engine;

import dev.trickle.protocol.RefreshMode;

/**
 * Compiles defining queries into refresh programs.
 *
 * <p>This version maintains every stream table by recomputation (FULL): AUTO resolves to
 * FULL with the reason recorded, and DIFFERENTIAL or IMMEDIATE requests are refused with a
 * reason naming the stream table. Stateless and thread-safe.
 */
public final class RefreshCompiler {
  /**
   * Compiles one stream table's definition.
   *
   * @param streamTable the stream table's display name, used in messages
   * @throws InvalidQueryException if the query is not a single SELECT
   * @throws UnsupportedRefreshModeException if the requested mode cannot be honoured
   */
  public Compilation compile(String streamTable, String definingQuery, RefreshMode requested) {
    DefiningQuery query = DefiningQuery.parse(definingQuery);
    return switch (requested) {
      case FULL -> new Compilation(RefreshMode.FULL, "FULL refresh requested", RefreshProgram.fullRecompute());
      case AUTO -> new Compilation(RefreshMode.FULL, autoReason(query), RefreshProgram.fullRecompute());
      case DIFFERENTIAL, IMMEDIATE -> throw new UnsupportedRefreshModeException(
          "stream table '" + streamTable + "': " + requested
              + " refresh is not yet supported by this version; use refresh_mode => 'AUTO' or 'FULL'");
    };
  }

  private static String autoReason(DefiningQuery query) {
    if (!query.analyzable()) {
      return "AUTO chose FULL: the query could not be analyzed (" + query.parseProblem() + ")";
    }
    return "AUTO chose FULL: differential maintenance is not yet supported by this version";
  }
}
