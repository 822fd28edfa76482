package dev.trickle.catalog;

import dev.trickle.protocol.StreamTableStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that stream tables equal their defining queries.
 *
 * <p>{@link #verify} is exact while writers keep changing the sources: in one REPEATABLE READ
 * transaction it refreshes the stream table and compares it with its query, both at that
 * transaction's snapshot, then rolls back, so verifying changes nothing. {@link #compare}
 * compares the contents as they are, without refreshing.
 */
public final class StreamTableVerifier {
  private static final int SAMPLE_ROWS = 20;
  private static final int ATTEMPTS = 5;
  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String UNDEFINED_FUNCTION = "42883";

  private final ConnectionSource connections;

  public StreamTableVerifier(ConnectionSource connections) {
    this.connections = connections;
  }

  /** Refreshes (when active) and compares, at one snapshot, leaving no trace. */
  public Verification verify(String name) {
    for (int attempt = 1; ; attempt++) {
      try {
        return check(name, true);
      } catch (CatalogException e) {
        if (!SERIALIZATION_FAILURE.equals(e.sqlState()) || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** Verifies every stream table. */
  public List<Verification> verifyAll() {
    List<Verification> results = new ArrayList<>();
    for (StreamTableInfo table : new StreamTableCatalog(connections).list()) {
      results.add(verify(table.displayName()));
    }
    return results;
  }

  /** Compares the stream table's current contents with its query, without refreshing. */
  public Verification compare(String name) {
    return check(name, false);
  }

  private Verification check(String name, boolean refreshFirst) {
    try (Connection connection = connections.open()) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        StreamTableInfo table = StreamTableCatalog.find(connection, name);
        boolean refresh = refreshFirst
            && (table.status() == StreamTableStatus.ACTIVE || table.status() == StreamTableStatus.INITIALIZING);
        if (refresh) {
          Sql.call(connection, "SELECT pgtrickle._refresh(?, 'MANUAL', true)", table.id().value());
        }
        return differences(connection, table, refresh);
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw CatalogException.from(e);
    }
  }

  /**
   * Compares a stream table with its query inside the caller's open transaction (so with the
   * transaction's own uncommitted writes), changing nothing.
   */
  static Verification compareWithin(Connection connection, String name) throws SQLException {
    return differences(connection, StreamTableCatalog.find(connection, name), false);
  }

  private static Verification differences(Connection connection, StreamTableInfo table, boolean refreshed)
      throws SQLException {
    Sql.call(connection, "SAVEPOINT compare");
    Verification verification;
    try {
      verification = differences(connection, table, refreshed, false);
    } catch (SQLException e) {
      if (!UNDEFINED_FUNCTION.equals(e.getSQLState())) {
        throw e;
      }
      // A column type without an equality operator (json, point ...): compare its text form.
      Sql.call(connection, "ROLLBACK TO SAVEPOINT compare");
      verification = differences(connection, table, refreshed, true);
    }
    Sql.call(connection, "RELEASE SAVEPOINT compare");
    return verification;
  }

  private static Verification differences(Connection connection, StreamTableInfo table, boolean refreshed,
      boolean asText) throws SQLException {
    String columns = (String) Sql.call(connection,
        "SELECT string_agg(quote_ident(attname) || CASE WHEN ? THEN '::text' ELSE '' END, ', ' ORDER BY attnum) "
            + "FROM pg_attribute WHERE attrelid = (SELECT pgt_relid FROM pgtrickle.pgt_stream_tables WHERE pgt_id = ?) "
            + "AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_\\_pgt\\_%'",
        asText, table.id().value());
    String sql = "WITH st AS MATERIALIZED (SELECT " + columns + " FROM " + table.displayName() + "), "
        + "q AS MATERIALIZED (SELECT " + columns + " FROM (" + table.definingQuery() + "\n) __pgt_q), "
        + "d AS (SELECT 'extra' AS side, e::text AS row_text FROM (SELECT * FROM st EXCEPT ALL SELECT * FROM q) e "
        + "UNION ALL SELECT 'missing', m::text FROM (SELECT * FROM q EXCEPT ALL SELECT * FROM st) m) "
        + "SELECT side, row_text, count(*) OVER (PARTITION BY side) FROM d ORDER BY side, row_text";
    long extra = 0;
    long missing = 0;
    List<String> extraRows = new ArrayList<>();
    List<String> missingRows = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        boolean isExtra = rows.getString(1).equals("extra");
        List<String> sample = isExtra ? extraRows : missingRows;
        if (isExtra) {
          extra = rows.getLong(3);
        } else {
          missing = rows.getLong(3);
        }
        if (sample.size() < SAMPLE_ROWS) {
          sample.add(rows.getString(2));
        }
      }
    }
    return new Verification(table.displayName(), refreshed, extra, missing, extraRows, missingRows);
  }
}
