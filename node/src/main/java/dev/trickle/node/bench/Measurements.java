package dev.trickle.node.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Timing statements and summarising repeated measurements. */
final class Measurements {
  private Measurements() {}

  /** Runs a statement and returns how long it took, in milliseconds. */
  static double timed(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      long start = System.nanoTime();
      statement.execute(sql);
      return (System.nanoTime() - start) / 1_000_000.0;
    }
  }

  /** Runs statements, one after the other. */
  static void execute(Connection connection, String... sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String each : sql) {
        statement.execute(each);
      }
    }
  }

  /** The first column of a query's first row, as a number. */
  static long queryLong(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); var row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  /** The first column of a query's first row, as an instant. */
  static Instant queryInstant(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); var row = statement.executeQuery(sql)) {
      row.next();
      Timestamp value = row.getTimestamp(1);
      if (value == null) {
        throw new IllegalStateException("no time from: " + sql);
      }
      return value.toInstant();
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  /** The value {@code percent} percent of the values are at or below (nearest rank); NaN when there are none. */
  static double percentile(List<Double> values, double percent) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
