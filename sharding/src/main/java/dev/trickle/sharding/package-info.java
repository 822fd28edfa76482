/**
 * When stream tables refresh: {@link dev.trickle.sharding.Schedule} (durations, cron,
 * {@code calculated}), the {@link dev.trickle.sharding.RefreshDag} of stream tables reading
 * stream tables, and {@link dev.trickle.sharding.RefreshPlanner}, which decides which tables
 * are due in a wave and in which order. {@link dev.trickle.sharding.LocalRefreshLoop} drives
 * them in a single process.
 */
package dev.trickle.sharding;
