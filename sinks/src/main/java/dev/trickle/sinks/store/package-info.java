/**
 * Object stores a sink writes files to: S3-compatible services ({@link dev.trickle.sinks.store.S3ObjectStore})
 * and a local directory ({@link dev.trickle.sinks.store.LocalObjectStore}), chosen by the sink path's URL.
 */
package dev.trickle.sinks.store;
