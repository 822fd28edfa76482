/**
 * The DuckLake sink: delivers each refresh delta of a stream table as a Parquet file to an object
 * store and registers it in a DuckLake 1.0 catalog kept in PostgreSQL, with provenance, exactly
 * once and in refresh order ({@link dev.trickle.sinks.ducklake.SinkDelivery}).
 */
package dev.trickle.sinks.ducklake;
