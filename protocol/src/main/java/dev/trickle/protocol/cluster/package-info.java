/**
 * Messages of the cluster runtime: sharded stream-table entities and the refresh coordinator.
 * Every type here implements {@link dev.trickle.protocol.cluster.ClusterMessage} and is
 * registered with the Kryo serializer.
 */
package dev.trickle.protocol.cluster;
