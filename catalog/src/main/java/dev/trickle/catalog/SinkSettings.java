package dev.trickle.catalog;

import java.util.Objects;
import java.util.Optional;

/**
 * A stream table's sink as asked for: {@code ducklake} with its path, mode and catalog schema
 * (the SQL API checks them and fills in the defaults), or {@code none} to remove the sink.
 */
public record SinkSettings(String sink, Optional<String> path, Optional<String> mode, Optional<String> catalogSchema) {
  public SinkSettings {
    Objects.requireNonNull(sink, "sink");
  }

  /** A DuckLake sink to {@code path} ({@code s3://bucket/prefix/} or {@code file:///dir/}). */
  public static SinkSettings ducklake(String path, Optional<String> mode, Optional<String> catalogSchema) {
    return new SinkSettings("ducklake", Optional.of(path), mode, catalogSchema);
  }

  /** No sink: removes the stream table's sink. */
  public static SinkSettings none() {
    return new SinkSettings("none", Optional.empty(), Optional.empty(), Optional.empty());
  }
}
