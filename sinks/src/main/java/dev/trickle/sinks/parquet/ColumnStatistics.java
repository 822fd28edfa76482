package dev.trickle.sinks.parquet;

import java.util.Optional;

/**
 * One column's statistics in a delta file, as {@code ducklake_file_column_stats} records them.
 *
 * @param columnSizeBytes the column's compressed size in the file
 * @param minValue a lower bound of the non-null values, as a string that casts to the column's type
 * @param maxValue an upper bound, likewise
 */
public record ColumnStatistics(long columnSizeBytes, long valueCount, long nullCount, boolean containsNan,
    Optional<String> minValue, Optional<String> maxValue) {}
