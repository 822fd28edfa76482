package dev.trickle.testkit;

import dev.trickle.postgres.DatabaseUrl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway database for one test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestDatabase db = TestDatabase.create().withSetup(CatalogInstaller::install);
 * }</pre>
 *
 * <p>The database is created before the class's first test (then {@code setup} runs on it)
 * and dropped after its last. All test classes of a run share one server (see
 * {@link TestServer}). Not thread-safe: one test class uses it at a time.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TestDatabase.class);

  private final Consumer<DatabaseUrl> setup;
  private TestServer server;
  private String name;

  private TestDatabase(Consumer<DatabaseUrl> setup) {
    this.setup = setup;
  }

  /** A test database with nothing installed. */
  public static TestDatabase create() {
    return new TestDatabase(url -> {});
  }

  /** The same fixture, running {@code setup} on each new database (e.g. installing a schema). */
  public TestDatabase withSetup(Consumer<DatabaseUrl> setup) {
    return new TestDatabase(setup);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server =
        context.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent(TestServer.class, key -> TestServer.start(), TestServer.class);
    name = "trickle_" + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]", "") + "_" + UUID.randomUUID().toString().substring(0, 8);
    server.createDatabase(name);
    setup.accept(url());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.dropDatabase(name);
  }

  /** The URL of this test's database. */
  public DatabaseUrl url() {
    return server.url(name);
  }

  /** A URL for creating and dropping further databases on the same server. */
  public DatabaseUrl serverUrl() {
    return server.adminUrl();
  }

  /** A new connection to this test's database; the caller closes it. */
  public Connection connect() {
    try {
      return url().connect();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to test database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Runs statements in autocommit mode, in order. */
  public void execute(String... statements) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The rows of a query, each as a list of column values. */
  public List<List<Object>> query(String sql) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      ResultSetMetaData meta = rows.getMetaData();
      List<List<Object>> result = new ArrayList<>();
      while (rows.next()) {
        List<Object> row = new ArrayList<>();
        for (int column = 1; column <= meta.getColumnCount(); column++) {
          row.add(rows.getObject(column));
        }
        result.add(row);
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The single value of a one-row, one-column query. */
  public Object queryValue(String sql) {
    List<List<Object>> rows = query(sql);
    if (rows.size() != 1 || rows.get(0).size() != 1) {
      throw new IllegalStateException("expected one value from: " + sql + " but got " + rows);
    }
    return rows.get(0).get(0);
  }

  /** The single number of a one-row, one-column query. */
  public long queryLong(String sql) {
    return ((Number) queryValue(sql)).longValue();
  }
}
