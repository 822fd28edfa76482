package dev.trickle.sinks.ducklake;

/** How a stream table and its deltas are named in DuckLake and in the object store. */
final class LakeNames {
  private LakeNames() {}

  /** The DuckLake schema for a PostgreSQL schema: DuckDB's default {@code main} for {@code public}. */
  static String lakeSchema(String pgSchema) {
    return "public".equals(pgSchema) ? "main" : pgSchema;
  }

  /**
   * The DuckLake table receiving the deltas: the stream table's name in mirror mode; in append
   * mode {@code <name>_changes}, beside a view named like the stream table.
   */
  static String table(SinkDefinition sink) {
    return sink.mode() == SinkMode.MIRROR ? sink.tableName() : sink.tableName() + "_changes";
  }

  /** A path as DuckDB opens it: {@code file:///dir/} becomes {@code /dir/}; S3 URLs stay. */
  static String readerPath(String sinkPath) {
    return sinkPath.startsWith("file://") ? sinkPath.substring("file://".length()) : sinkPath;
  }

  /** The key of a refresh's data file, relative to the sink path: one name per stream table and refresh. */
  static String dataFile(SinkDefinition sink, long refreshId) {
    return prefix(sink) + String.format("_r%012d.parquet", refreshId);
  }

  /** The key of the delete file a refresh writes for one data file. */
  static String deleteFile(SinkDefinition sink, long refreshId, long dataFileId) {
    return prefix(sink) + String.format("_r%012d_deletes_f%d.parquet", refreshId, dataFileId);
  }

  private static String prefix(SinkDefinition sink) {
    String name = "public".equals(sink.schemaName()) ? sink.tableName() : sink.schemaName() + "." + sink.tableName();
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * A name double-quoted with its quotes doubled: an SQL identifier, and a name as DuckLake's
   * snapshot changes write it.
   */
  static String quoted(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
