package dev.trickle.node.cli;

import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.StreamTableCatalog;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.engine.RefreshCompiler;
import dev.trickle.postgres.DatabaseUrl;
import picocli.CommandLine.Option;

/** The {@code --db} option every command that talks to a database shares. */
public final class DatabaseOptions {
  @Option(
      names = "--db",
      paramLabel = "URL",
      defaultValue = "${env:TRICKLE_DB_URL}",
      description = "Database: postgresql://user:password@host:port/db (as psql takes it) or jdbc:postgresql://...; "
          + "default: $TRICKLE_DB_URL")
  String url;

  /** The database URL, or a failure telling the user how to give one. */
  public DatabaseUrl databaseUrl() {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("no database given: use --db URL or set TRICKLE_DB_URL");
    }
    return DatabaseUrl.parse(url);
  }

  ConnectionSource connections() {
    return databaseUrl()::connect;
  }

  StreamTableCatalog catalog() {
    return new StreamTableCatalog(connections());
  }

  StreamTableDefinitions definitions() {
    return new StreamTableDefinitions(connections(), new RefreshCompiler());
  }
}
