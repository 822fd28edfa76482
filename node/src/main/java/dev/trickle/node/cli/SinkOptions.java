package dev.trickle.node.cli;

import dev.trickle.catalog.SinkSettings;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The sink options of {@code create} and {@code alter}; the SQL API checks them. */
final class SinkOptions {
  @Option(names = "--sink", paramLabel = "SINK",
      description = "deliver every refresh's delta to a sink: ducklake (or none, with alter, to remove it)")
  String sink;

  @Option(names = "--sink-path", paramLabel = "URL",
      description = "where the DuckLake sink writes Parquet files: s3://bucket/prefix/ or file:///directory/")
  String path;

  @Option(names = "--sink-mode", paramLabel = "MODE",
      description = "append (default: the DuckLake table is the change log) or mirror (it equals the stream table)")
  String mode;

  @Option(names = "--sink-catalog", paramLabel = "SCHEMA",
      description = "the PostgreSQL schema holding the DuckLake catalog (default ducklake)")
  String catalogSchema;

  /** The sink asked for; path, mode or catalog without --sink are passed on, for the SQL API to refuse. */
  Optional<SinkSettings> settings() {
    if (sink == null && path == null && mode == null && catalogSchema == null) {
      return Optional.empty();
    }
    return Optional.of(new SinkSettings(sink == null ? "none" : sink, Optional.ofNullable(path),
        Optional.ofNullable(mode), Optional.ofNullable(catalogSchema)));
  }
}
