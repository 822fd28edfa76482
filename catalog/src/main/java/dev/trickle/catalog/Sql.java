package dev.trickle.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** Runs parameterized statements, and work in one transaction. */
public final class Sql {
  private Sql() {}

  /**
   * Runs one parameterized statement (null parameters as NULL) and returns the first column of
   * its first row (null when it returns no row), or its update count.
   */
  public static Object call(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        if (parameters[i] == null) {
          statement.setNull(i + 1, Types.VARCHAR);
        } else {
          statement.setObject(i + 1, parameters[i]);
        }
      }
      if (!statement.execute()) {
        return statement.getUpdateCount();
      }
      try (ResultSet rows = statement.getResultSet()) {
        return rows.next() ? rows.getObject(1) : null;
      }
    }
  }

  /**
   * Runs {@code work} in one transaction on a new connection; rolls back on any failure, which
   * it throws as a {@link CatalogException}.
   */
  public static <T> T inTransaction(ConnectionSource connections, Work<T> work) {
    return inTransaction(connections, Connection.TRANSACTION_READ_COMMITTED, work);
  }

  /** Runs {@code work} in one transaction at the given isolation level; rolls back on any failure. */
  public static <T> T inTransaction(ConnectionSource connections, int isolation, Work<T> work) {
    return onConnection(connections, connection -> inTransaction(connection, isolation, work));
  }

  /**
   * Runs {@code work} in one transaction on {@code connection} at the given isolation level;
   * rolls back on any failure. The connection is back in autocommit mode afterwards.
   */
  public static <T> T inTransaction(Connection connection, int isolation, Work<T> work) throws SQLException {
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(isolation);
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Runs {@code work} on a new connection (in autocommit mode); throws failures as {@link CatalogException}. */
  public static <T> T onConnection(ConnectionSource connections, Work<T> work) {
    try (Connection connection = connections.open()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw CatalogException.from(e);
    }
  }

  /** Work on a connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }
}
