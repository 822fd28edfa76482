package dev.trickle.catalog;

import dev.trickle.protocol.RefreshMode;

/**
 * How a stream table is refreshed: the mode the engine chose and why, the operator tree of its
 * defining query, and the statements its next refreshes run.
 *
 * @param operatorTree the compiled operator tree; null when the engine cannot maintain the query
 * @param strategy how the program maintains the table (e.g. "aggregate: change merged into stored state")
 * @param differentialSql the statement the next DIFFERENTIAL refresh runs from the current
 *     frontier; null when the table is refreshed FULL or has never been populated
 * @param fullSql the statement a FULL refresh runs
 */
public record Explanation(
    String streamTable,
    String definingQuery,
    RefreshMode requestedMode,
    RefreshMode effectiveMode,
    String reason,
    String strategy,
    String operatorTree,
    String differentialSql,
    String fullSql) {}
