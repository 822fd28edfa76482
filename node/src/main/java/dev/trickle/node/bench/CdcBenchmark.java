package dev.trickle.node.bench;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trickle bench cdc}: what change capture costs writers. The same INSERTs run into a
 * captured table (a stream table reads it) and an identical uncaptured one, alternating which
 * goes first; the table prints median times and throughput captured / uncaptured.
 */
@Command(name = "cdc", mixinStandardHelpOptions = true,
    description = "Measure the write throughput of a captured source against an uncaptured copy.")
public final class CdcBenchmark implements Callable<Integer> {
  private static final String COLUMNS =
      "(id bigint, account int, amount int, note text, created timestamptz, score double precision)";
  private static final String ROWS = "SELECT g, g % 1000, g % 97, 'note ' || g, now(), g * 0.5 FROM generate_series(1, ";

  @Spec CommandSpec spec;

  @Mixin BenchServer server;

  @Option(names = "--rows", defaultValue = "1000000", description = "rows per bulk INSERT (default 1000000)")
  int rows;

  @Option(names = "--single-rows", defaultValue = "5000", description = "single-row INSERTs (default 5000)")
  int singleRows;

  @Option(names = "--runs", defaultValue = "3", description = "runs per workload; medians are reported (default 3)")
  int runs;

  @Override
  public Integer call() throws SQLException {
    if (rows < 1 || singleRows < 1 || runs < 1) {
      throw new IllegalArgumentException("--rows, --single-rows and --runs must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (BenchDatabase database = server.open(); Connection connection = database.url().connect()) {
      setUp(connection);
      out.printf(Locale.ROOT, "CDC capture overhead on PostgreSQL %s, median of %d runs%n", database.serverVersion(), runs);
      BenchTable table = new BenchTable("WORKLOAD", "UNCAPTURED", "CAPTURED", "THROUGHPUT RATIO");
      bulk(table, connection, "bulk INSERT of " + rows + " rows, 2 of 6 columns captured", "captured_two");
      bulk(table, connection, "bulk INSERT of " + rows + " rows, all 6 columns captured", "captured_all");
      single(table, connection);
      table.print(out);
      out.println("Throughput ratio = captured / uncaptured rows per second; the target for bulk loads is >= 0.60.");
    }
    return 0;
  }

  private static void setUp(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String table : List.of("uncaptured", "captured_two", "captured_all")) {
        statement.execute("CREATE TABLE " + table + " " + COLUMNS);
      }
      statement.execute("SELECT pgtrickle.create_stream_table('two_columns', "
          + "'SELECT account, sum(amount) AS total FROM captured_two GROUP BY account', '1h', 'FULL')");
      statement.execute("SELECT pgtrickle.create_stream_table('all_columns', "
          + "'SELECT count(*) AS n FROM (SELECT * FROM captured_all) t', '1h', 'FULL')");
    }
  }

  private void bulk(BenchTable table, Connection connection, String label, String captured) throws SQLException {
    List<Double> plain = new ArrayList<>();
    List<Double> withCapture = new ArrayList<>();
    String insert = ROWS + rows + ") g";
    for (int run = 0; run < runs; run++) {
      reset(connection, captured);
      if (run % 2 == 0) {
        plain.add(Measurements.timed(connection, "INSERT INTO uncaptured " + insert));
        withCapture.add(Measurements.timed(connection, "INSERT INTO " + captured + " " + insert));
      } else {
        withCapture.add(Measurements.timed(connection, "INSERT INTO " + captured + " " + insert));
        plain.add(Measurements.timed(connection, "INSERT INTO uncaptured " + insert));
      }
    }
    row(table, label, Measurements.median(plain), Measurements.median(withCapture));
  }

  private void single(BenchTable table, Connection connection) throws SQLException {
    List<Double> plain = new ArrayList<>();
    List<Double> withCapture = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      reset(connection, "captured_two");
      if (run % 2 == 0) {
        plain.add(singleInserts(connection, "uncaptured"));
        withCapture.add(singleInserts(connection, "captured_two"));
      } else {
        withCapture.add(singleInserts(connection, "captured_two"));
        plain.add(singleInserts(connection, "uncaptured"));
      }
    }
    row(table, singleRows + " single-row INSERTs (autocommit), 2 of 6 columns captured", Measurements.median(plain),
        Measurements.median(withCapture));
  }

  private double singleInserts(Connection connection, String table) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO " + table + " VALUES (?, ?, ?, 'note', now(), 0.5)")) {
      long start = System.nanoTime();
      for (int i = 0; i < singleRows; i++) {
        insert.setLong(1, i);
        insert.setInt(2, i % 1000);
        insert.setInt(3, i % 97);
        insert.executeUpdate();
      }
      return (System.nanoTime() - start) / 1_000_000.0;
    }
  }

  private static void reset(Connection connection, String captured) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE uncaptured");
      statement.execute("TRUNCATE " + captured);
      statement.execute("TRUNCATE pgtrickle_changes.changes_" + oid(connection, captured));
      statement.execute("CHECKPOINT");
    }
  }

  private static long oid(Connection connection, String table) throws SQLException {
    return Measurements.queryLong(connection, "SELECT '" + table + "'::regclass::oid");
  }

  private static void row(BenchTable table, String label, double plainMillis, double capturedMillis) {
    table.add(label, String.format(Locale.ROOT, "%.0f ms", plainMillis), String.format(Locale.ROOT, "%.0f ms", capturedMillis),
        String.format(Locale.ROOT, "%.2f", plainMillis / Math.max(1, capturedMillis)));
  }
}
