/**
 * Delta rules: from the query model to the SQL of a refresh program.
 *
 * <p>Every FROM item can be rendered in several {@link dev.trickle.engine.delta.ItemForm}s under
 * its own alias — its current rows, its change as a Z-set (rows with a weight {@code __pgt_w}:
 * +1 inserted, -1 deleted), its state before the change — so a block's SQL is the user's own
 * SQL with items substituted. {@link dev.trickle.engine.delta.JoinDeltaRule} and
 * {@link dev.trickle.engine.delta.OuterJoinDeltaRule} derive a block's Z-set delta from its
 * items'; the top-level rules ({@code ProjectionDeltaRule}, {@code AggregateDeltaRule}, ...)
 * turn it into rows keyed by {@code __pgt_row_id} that the refresh driver applies.
 * {@link dev.trickle.engine.delta.DeltaRules} picks the rule for a query.
 */
package dev.trickle.engine.delta;
