/**
 * Parquet files of stream table deltas: PostgreSQL column types mapped to Parquet and DuckLake
 * types ({@link dev.trickle.sinks.parquet.ColumnType}), and the writer ({@link dev.trickle.sinks.parquet.DeltaFileWriter}).
 */
package dev.trickle.sinks.parquet;
