package dev.trickle.node.bench;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.postgres.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The database a benchmark runs in: a fresh database on the server {@code --db} names, or on an
 * embedded PostgreSQL; dropped (and the server stopped) when closed.
 */
final class BenchDatabase implements AutoCloseable {
  private final EmbeddedPostgres embedded;
  private final DatabaseUrl server;
  private final String name;

  private BenchDatabase(EmbeddedPostgres embedded, DatabaseUrl server, String name) {
    this.embedded = embedded;
    this.server = server;
    this.name = name;
  }

  static BenchDatabase open(String url) throws SQLException {
    EmbeddedPostgres embedded = url == null ? EmbeddedPostgres.start(0, null, true) : null;
    DatabaseUrl server = embedded != null ? embedded.url("postgres") : DatabaseUrl.parse(url);
    String name = "trickle_bench_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    BenchDatabase database = new BenchDatabase(embedded, server, name);
    CatalogInstaller.install(database.url());
    return database;
  }

  DatabaseUrl url() {
    return server.withDatabase(name);
  }

  String serverVersion() throws SQLException {
    try (Connection connection = url().connect()) {
      return connection.getMetaData().getDatabaseProductVersion();
    }
  }

  @Override
  public void close() throws SQLException {
    try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
