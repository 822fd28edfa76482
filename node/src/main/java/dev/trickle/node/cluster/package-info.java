/**
 * A Trickle node: its configuration, the actor system with cluster, sharding, persistence and
 * management, the refresh runtime, and what the API shows of the cluster.
 */
package dev.trickle.node.cluster;
