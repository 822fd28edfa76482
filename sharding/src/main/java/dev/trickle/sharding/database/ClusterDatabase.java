package dev.trickle.sharding.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.trickle.catalog.ConnectionSource;
import dev.trickle.postgres.DatabaseUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One database the cluster keeps stream tables fresh in, with this node's connection pool to
 * it. The pool starts even while the database is down (connections are then refused with the
 * reason, and tried again on every use). Thread-safe.
 */
public final class ClusterDatabase implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  private final String name;
  private final DatabaseUrl url;
  private final HikariDataSource pool;

  /**
   * A database called {@code name} (the same on every node: stream table entities and the
   * database's coordinator are named after it), reached by this node's pool; every connection
   * names the node ({@code node}, its cluster address) in the session setting {@code pgtrickle.node},
   * which the refresh history records, and in its {@code application_name} (unless the URL sets one).
   */
  public ClusterDatabase(String name, DatabaseUrl url, int poolSize, Duration connectionTimeout, String node) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("database name '" + name + "' may only use letters, digits, '_', '.' and '-'");
    }
    this.name = name;
    this.url = url;
    HikariConfig config = new HikariConfig();
    config.setPoolName("trickle-" + name);
    config.setJdbcUrl(url.jdbcUrl());
    config.setDataSourceProperties(url.properties());
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(connectionTimeout.toMillis());
    config.setInitializationFailTimeout(-1);
    if (!url.properties().containsKey("ApplicationName")) {
      config.addDataSourceProperty("ApplicationName", "trickle " + node);
    }
    config.setConnectionInitSql("SELECT set_config('pgtrickle.node', '" + node.replace("'", "''") + "', false)");
    this.pool = new HikariDataSource(config);
  }

  /** The default name of a database: its host, port and database name, e.g. {@code localhost-5432-app}. */
  public static String defaultName(DatabaseUrl url) {
    String rest = url.jdbcUrl().replaceFirst("^jdbc:postgresql://", "").replaceFirst("\\?.*$", "");
    return rest.replaceAll("[^A-Za-z0-9_.]+", "-").replaceAll("^-|-$", "");
  }

  public String name() {
    return name;
  }

  public DatabaseUrl url() {
    return url;
  }

  /** Pooled connections to the database. */
  public ConnectionSource connections() {
    return pool::getConnection;
  }

  /** Whether the database answers right now (a pooled connection is valid). */
  public boolean reachable() {
    try (Connection connection = pool.getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return name + " (" + url + ")";
  }
}
