package dev.trickle.sinks.parquet;

import java.nio.file.Path;

/**
 * A written delta file.
 *
 * @param footerSize the Parquet footer's length in bytes (DuckLake records it to read files faster)
 */
public record DeltaFile(Path path, long rowCount, long fileSize, long footerSize) {}
