package dev.trickle.sinks.ducklake;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Queries run by an in-memory DuckDB, the reader the sink's files are checked with. */
public final class DuckDbQueries {
  private DuckDbQueries() {}

  /** The first column of every row {@code sql} returns, as text. */
  public static List<String> firstColumn(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duck.createStatement();
         ResultSet row = statement.executeQuery(sql)) {
      while (row.next()) {
        rows.add(row.getString(1));
      }
    }
    return rows;
  }
}
