/** Kryo serialization of the cluster protocol, with every type registered under a fixed id. */
package dev.trickle.protocol.serialization;
