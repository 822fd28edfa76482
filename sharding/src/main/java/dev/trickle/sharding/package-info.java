/**
 * When stream tables refresh: {@link dev.trickle.sharding.Schedule} (durations, cron,
 * {@code calculated}), the {@link dev.trickle.sharding.RefreshDag} of stream tables reading
 * stream tables, {@link dev.trickle.sharding.RefreshPlanner}, which decides which tables are
 * due, and {@link dev.trickle.sharding.DiamondGroups}. The cluster runtime that acts on them is
 * in {@code entity} (stream table entities), {@code coordinator} (a refresh coordinator per
 * database), {@code database} (connection pools, catalog notifications) and {@code runtime}
 * (wiring on a node).
 */
package dev.trickle.sharding;
