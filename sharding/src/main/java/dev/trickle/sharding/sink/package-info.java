/**
 * Sinks in the cluster: a sharded, event-sourced {@link dev.trickle.sharding.sink.SinkEntity} per
 * stream table sink, told by a per-database {@link dev.trickle.sharding.sink.SinkDispatcher}
 * when deltas wait.
 */
package dev.trickle.sharding.sink;
