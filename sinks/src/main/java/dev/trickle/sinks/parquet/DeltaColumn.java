package dev.trickle.sinks.parquet;

/**
 * A stream table column as written to delta files.
 *
 * @param fieldId the Parquet field id: the column's id in the DuckLake catalog
 */
public record DeltaColumn(String name, int fieldId, ColumnType type, boolean nullable) {
  public DeltaColumn {
    if (name.startsWith("__pgt_")) {
      throw new IllegalArgumentException("column " + name + " is Trickle's own; delta files add it themselves");
    }
  }
}
