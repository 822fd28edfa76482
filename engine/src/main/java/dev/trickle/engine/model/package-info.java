/**
 * The compiler's model of a defining query: {@link dev.trickle.engine.model.QueryNode}s made of
 * {@link dev.trickle.engine.model.Block}s (one SELECT: FROM items, WHERE, GROUP BY, HAVING,
 * select list, DISTINCT, ORDER BY/LIMIT) and UNION ALL. FROM items keep the query's own
 * aliases, so generated SQL can substitute a table by its delta or old state under the same
 * alias and reuse the user's expressions verbatim.
 *
 * <p>Expressions are JSqlParser nodes; the model never mutates them after building.
 */
package dev.trickle.engine.model;
