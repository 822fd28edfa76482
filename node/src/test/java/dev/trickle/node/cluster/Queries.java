package dev.trickle.node.cluster;

import dev.trickle.postgres.DatabaseUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Short-lived queries for multi-process tests: one connection per call. */
public final class Queries {
  private Queries() {}

  /** Runs the statements in order on one connection. */
  public static void execute(DatabaseUrl url, String... statements) throws SQLException {
    try (Connection connection = url.connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /** The sorted first column of a query's rows, as text. */
  public static List<String> rows(DatabaseUrl url, String sql) {
    return query(url, sql).stream().map(row -> String.valueOf(row.get(0))).sorted().toList();
  }

  /** The first row's first value as a number (0 when it is NULL). */
  public static long count(DatabaseUrl url, String sql) {
    return Optional.ofNullable(query(url, sql).get(0).get(0)).map(value -> ((Number) value).longValue()).orElse(0L);
  }

  /** Every row, its values as JDBC returns them. */
  public static List<List<Object>> query(DatabaseUrl url, String sql) {
    try (Connection connection = url.connect(); PreparedStatement statement = connection.prepareStatement(sql);
         ResultSet row = statement.executeQuery()) {
      List<List<Object>> rows = new ArrayList<>();
      int columns = row.getMetaData().getColumnCount();
      while (row.next()) {
        List<Object> values = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          values.add(row.getObject(i));
        }
        rows.add(values);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
