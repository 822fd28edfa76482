/**
 * From SQL text to the query model: {@link dev.trickle.engine.parse.QueryBuilder} parses a
 * defining query (as PostgreSQL deparses it: schema-qualified, qualified columns, {@code *}
 * expanded) with JSqlParser, resolves relations through the
 * {@link dev.trickle.engine.SchemaCatalog}, inlines CTEs, and rejects what the differential
 * engine cannot maintain with an {@link dev.trickle.engine.UnsupportedQueryException}.
 */
package dev.trickle.engine.parse;
