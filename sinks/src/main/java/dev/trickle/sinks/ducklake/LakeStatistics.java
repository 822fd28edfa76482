package dev.trickle.sinks.ducklake;

import dev.trickle.sinks.parquet.ColumnType;

/** How DuckLake statistics strings of a column type compare, as PostgreSQL casts them. */
final class LakeStatistics {
  private LakeStatistics() {}

  /**
   * The PostgreSQL type a statistics string of {@code type} casts to for comparison, or null when
   * the type keeps no bounds (JSON, binary).
   */
  static String comparableAs(ColumnType type) {
    switch (type.kind()) {
      case BOOLEAN: return "boolean";
      case INT16: case INT32: case INT64: return "bigint";
      case FLOAT32: case FLOAT64: return "double precision";
      case DECIMAL: return "numeric";
      case VARCHAR: return "text COLLATE \"C\"";
      case DATE: return "date";
      case TIME: return "time";
      case TIMESTAMP: return "timestamp";
      case TIMESTAMPTZ: return "timestamptz";
      case UUID: return "uuid";
      default: return null;
    }
  }
}
