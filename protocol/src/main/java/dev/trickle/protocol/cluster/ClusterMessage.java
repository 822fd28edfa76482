package dev.trickle.protocol.cluster;

/**
 * Everything sent between actors that may live on different nodes, and everything persisted in
 * the journal: serialized by Kryo with registration required, so only the types listed in
 * {@link dev.trickle.protocol.serialization.ProtocolTypes} can ever be read back.
 */
public interface ClusterMessage {}
