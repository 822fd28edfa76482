package dev.trickle.node.bench;

import java.sql.SQLException;
import picocli.CommandLine.Option;

/** The {@code --db} option every benchmark takes: where its scratch database is created. */
final class BenchServer {
  @Option(names = "--db", paramLabel = "URL", description = "server to run on (a scratch database is created); "
      + "default: an embedded PostgreSQL")
  String url;

  /** Creates the scratch database (starting an embedded server when no --db was given). */
  BenchDatabase open() throws SQLException {
    return BenchDatabase.open(url);
  }
}
