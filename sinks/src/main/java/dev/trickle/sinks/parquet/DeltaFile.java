package dev.trickle.sinks.parquet;

import java.nio.file.Path;
import java.util.List;

/**
 * A written delta file.
 *
 * @param deleteCount how many of its rows are deletes ({@code __pgt_op = 'D'})
 * @param footerSize the Parquet footer's length in bytes (DuckLake records it to read files faster)
 * @param columns the statistics of every column in the file's order: the stream table's, then
 *     {@code __pgt_op}, {@code __pgt_row_id} and {@code __pgt_refresh_id}
 */
public record DeltaFile(Path path, long rowCount, long deleteCount, long fileSize, long footerSize,
    List<ColumnStatistics> columns) {
  public DeltaFile {
    columns = List.copyOf(columns);
  }
}
