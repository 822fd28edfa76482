package dev.trickle.sinks.parquet;

import java.nio.file.Path;
import java.util.List;

/**
 * A written delta file.
 *
 * @param footerSize the Parquet footer's length in bytes (DuckLake records it to read files faster)
 * @param columns the statistics of the stream table's columns, in the layout's order
 */
public record DeltaFile(Path path, long rowCount, long fileSize, long footerSize, List<ColumnStatistics> columns) {
  public DeltaFile {
    columns = List.copyOf(columns);
  }
}
