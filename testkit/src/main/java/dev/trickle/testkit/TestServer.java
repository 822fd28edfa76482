package dev.trickle.testkit;

import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.postgres.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL server tests run against: the one {@code TRICKLE_TEST_DB_URL} (environment)
 * or {@code trickle.test.db.url} (system property) points at, else an embedded server started
 * for this test run. The URL must name a database the user may create databases from.
 */
final class TestServer implements AutoCloseable {
  private final DatabaseUrl adminUrl;
  private final EmbeddedPostgres embedded;

  private TestServer(DatabaseUrl adminUrl, EmbeddedPostgres embedded) {
    this.adminUrl = adminUrl;
    this.embedded = embedded;
  }

  static TestServer start() {
    String external = System.getProperty("trickle.test.db.url", System.getenv("TRICKLE_TEST_DB_URL"));
    if (external != null && !external.isBlank()) {
      return new TestServer(DatabaseUrl.parse(external), null);
    }
    EmbeddedPostgres server = EmbeddedPostgres.start(0, null, true);
    return new TestServer(server.url("postgres"), server);
  }

  DatabaseUrl url(String database) {
    return adminUrl.withDatabase(database);
  }

  DatabaseUrl adminUrl() {
    return adminUrl;
  }

  void createDatabase(String name) {
    executeAsAdmin("CREATE DATABASE " + name);
  }

  void dropDatabase(String name) {
    executeAsAdmin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private void executeAsAdmin(String sql) {
    try (Connection connection = adminUrl.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test server " + adminUrl + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
