package dev.trickle.node.bench;

import dev.trickle.catalog.SinkSettings;
import dev.trickle.catalog.StreamTableDefinition;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.engine.RefreshCompiler;
import dev.trickle.postgres.EnvironmentSecrets;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.sinks.ducklake.Delivery;
import dev.trickle.sinks.ducklake.SinkDelivery;
import dev.trickle.sinks.store.ObjectStores;
import dev.trickle.sinks.store.S3Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.postgresql.PGStatement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trickle bench sink}: what a DuckLake sink delivers and what it adds to a refresh. Two
 * stream tables keep the same 10-column query, one with a sink (append mode). Bulk inserts give
 * the delivery throughput (buffer → Parquet → object store → catalog) against reading the same
 * delta from the buffer; small updates give the time a refresh takes with and without a sink
 * and the time until its delta is delivered.
 */
@Command(name = "sink", mixinStandardHelpOptions = true,
    description = "Measure DuckLake sink delivery throughput and the latency a sink adds to a refresh.")
public final class SinkBenchmark implements Callable<Integer> {
  private static final String COLUMNS = "id, qty, total, price, name, created, active, day, score, note";
  private static final int FETCH_SIZE = 20_000;

  @Spec CommandSpec spec;

  @Mixin BenchServer server;

  @Option(names = "--sink-path", paramLabel = "URL", description = "where the sink writes: s3://bucket/prefix/ "
      + "(S3 settings from TRICKLE_S3_ENDPOINT, AWS_ACCESS_KEY_ID, ...) or file:///dir/; default: a temporary directory")
  String sinkPath;

  @Option(names = "--rows", defaultValue = "200000", description = "rows per bulk delta (default 200000)")
  int rows;

  @Option(names = "--rounds", defaultValue = "3",
      description = "bulk deltas measured, after one that warms up; medians are reported (default 3)")
  int rounds;

  @Option(names = "--batch", defaultValue = "100", description = "rows updated per refresh cycle (default 100)")
  int batch;

  @Option(names = "--cycles", defaultValue = "30", description = "refresh cycles of --batch updates (default 30)")
  int cycles;

  @Override
  public Integer call() throws SQLException, IOException {
    if (rows < 1 || rounds < 1 || batch < 1 || cycles < 1) {
      throw new IllegalArgumentException("--rows, --rounds, --batch and --cycles must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path work = Files.createTempDirectory("trickle-bench-sink-");
    try (BenchDatabase database = server.open(); Connection connection = database.url().connect()) {
      String path = sinkPath != null ? sinkPath : "file://" + work.resolve("lake").toAbsolutePath() + "/";
      S3Settings s3 = S3Settings.fromEnvironment(EnvironmentSecrets.resolve(System.getenv()));
      SinkDelivery delivery = new SinkDelivery(database.url()::connect, sink -> ObjectStores.open(sink, s3),
          Files.createDirectories(work.resolve("staging")));
      setUp(connection, new StreamTableDefinitions(database.url()::connect, new RefreshCompiler()), path);
      long pgtId = Measurements.queryLong(connection, "SELECT pgt_id FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'sunk'");
      deliverAll(delivery, pgtId);
      out.printf(Locale.ROOT, "DuckLake sink on PostgreSQL %s, sink path %s%n", database.serverVersion(), path);
      BenchTable throughput = new BenchTable("BULK DELTA", "READ FROM BUFFER", "DELIVERED", "RATIO");
      bulk(throughput, connection, delivery, pgtId);
      throughput.print(out);
      out.println("Delivered = buffer -> zstd Parquet (10 columns + __pgt_op/row_id/refresh_id) -> object store -> "
          + "DuckLake catalog commit; ratio = delivered / read rows per second. Goal: >= 200000 rows/s.");
      BenchTable latency = new BenchTable("REFRESH CYCLE (" + batch + " rows updated)", "MEDIAN", "P90");
      cycles(latency, connection, delivery, pgtId);
      latency.print(out);
      out.println("A sink makes the refresh also write its delta to the stream table's buffer (added refresh time); "
          + "delivery runs after the refresh commits.");
      check(connection, pgtId);
      out.println("Checked: every refresh's delta was delivered once, row for row.");
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    }
    return 0;
  }

  private static void setUp(Connection connection, StreamTableDefinitions definitions, String path)
      throws SQLException {
    Measurements.execute(connection, "CREATE TABLE src (id bigint PRIMARY KEY, qty int, total bigint, "
        + "price numeric(12,2), name text, created timestamptz, active boolean, day date, score double precision, "
        + "note text)");
    String query = "SELECT " + COLUMNS + " FROM src";
    definitions.create(new StreamTableDefinition("plain", query, "1h", RefreshMode.DIFFERENTIAL, true));
    definitions.create(new StreamTableDefinition("sunk", query, "1h", RefreshMode.DIFFERENTIAL, true,
        Optional.of(SinkSettings.ducklake(path, Optional.of("append"), Optional.empty()))));
  }

  private void bulk(BenchTable table, Connection connection, SinkDelivery delivery, long pgtId) throws SQLException {
    List<Double> readRates = new ArrayList<>();
    List<Double> deliveredRates = new ArrayList<>();
    String buffer = "pgtrickle_changes.changes_" + Measurements.queryLong(connection, "SELECT 'sunk'::regclass::oid");
    // Round 0 warms the JVM up (class loading, JIT, the S3 client) and is not counted.
    for (int round = 0; round <= rounds; round++) {
      long first = (long) round * rows + 1;
      Measurements.execute(connection, "INSERT INTO src SELECT g, g % 1000, g * 7, (g % 10000) / 100.0, 'name ' || g, "
          + "timestamptz '2026-01-01' + g * interval '1 second', g % 3 = 0, date '2026-01-01' + (g % 365)::int, g * 0.25, "
          + "CASE WHEN g % 5 = 0 THEN NULL ELSE md5(g::text) END FROM generate_series(" + first + ", "
          + (first + rows - 1) + ") g",
          "SELECT pgtrickle.refresh_stream_table('plain')", "SELECT pgtrickle.refresh_stream_table('sunk')",
          "VACUUM ANALYZE src", "CHECKPOINT");
      long refreshId = Measurements.queryLong(connection, "SELECT max(__pgt_refresh_id) FROM " + buffer);
      double read = readDelta(connection, buffer, refreshId);
      long start = System.nanoTime();
      Delivery delivered = delivery.deliverNext(pgtId).orElseThrow(() -> new IllegalStateException("nothing delivered"));
      double rate = delivered.deltaRows() / ((System.nanoTime() - start) / 1e9);
      if (round > 0) {
        readRates.add(read);
        deliveredRates.add(rate);
      }
    }
    double read = Measurements.median(readRates);
    double delivered = Measurements.median(deliveredRates);
    table.add(rows + " inserted rows", rate(read), rate(delivered), String.format(Locale.ROOT, "%.2f", delivered / read));
  }

  /**
   * Reads every column of a refresh's delta from the buffer as a delivery does (in order through
   * the deliveries index, binary transfer); rows per second.
   */
  private static double readDelta(Connection connection, String buffer, long refreshId) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    long start = System.nanoTime();
    long count = 0;
    Measurements.execute(connection, "SET LOCAL enable_sort = off");
    try (PreparedStatement statement = connection.prepareStatement("SELECT b.__pgt_row_id, b.__pgt_op::text, "
        + COLUMNS + " FROM " + buffer + " b WHERE b.__pgt_refresh_id = ? ORDER BY b.__pgt_op, b.__pgt_row_id")) {
      statement.setFetchSize(FETCH_SIZE);
      statement.unwrap(PGStatement.class).setPrepareThreshold(-1);
      statement.setLong(1, refreshId);
      try (ResultSet row = statement.executeQuery()) {
        int columns = row.getMetaData().getColumnCount();
        while (row.next()) {
          for (int i = 1; i <= columns; i++) {
            row.getObject(i);
          }
          count++;
        }
      }
    } finally {
      connection.commit();
      connection.setAutoCommit(autoCommit);
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private void cycles(BenchTable table, Connection connection, SinkDelivery delivery, long pgtId) throws SQLException {
    List<Double> plain = new ArrayList<>();
    List<Double> sunk = new ArrayList<>();
    List<Double> delivering = new ArrayList<>();
    Measurements.execute(connection, "ANALYZE src", "ANALYZE plain", "ANALYZE sunk");
    long rowCount = Measurements.queryLong(connection, "SELECT count(*) FROM src");
    for (int cycle = 0; cycle < cycles; cycle++) {
      long from = 1 + (long) cycle * batch % Math.max(1, rowCount - batch);
      Measurements.execute(connection, "UPDATE src SET qty = qty + 1, note = 'cycle " + cycle + "' WHERE id BETWEEN "
          + from + " AND " + (from + batch - 1));
      if (cycle % 2 == 0) {
        plain.add(Measurements.timed(connection, "SELECT pgtrickle.refresh_stream_table('plain')"));
        sunk.add(Measurements.timed(connection, "SELECT pgtrickle.refresh_stream_table('sunk')"));
      } else {
        sunk.add(Measurements.timed(connection, "SELECT pgtrickle.refresh_stream_table('sunk')"));
        plain.add(Measurements.timed(connection, "SELECT pgtrickle.refresh_stream_table('plain')"));
      }
      long start = System.nanoTime();
      delivery.deliverNext(pgtId).orElseThrow(() -> new IllegalStateException("nothing delivered"));
      delivering.add((System.nanoTime() - start) / 1e6);
    }
    table.add("refresh without a sink", millis(Measurements.median(plain)), millis(Measurements.percentile(plain, 90)));
    table.add("refresh with a sink", millis(Measurements.median(sunk)), millis(Measurements.percentile(sunk, 90)));
    table.add("delivery after the refresh", millis(Measurements.median(delivering)), millis(Measurements.percentile(delivering, 90)));
    List<Double> added = new ArrayList<>();
    for (int i = 0; i < cycles; i++) {
      added.add(sunk.get(i) - plain.get(i) + delivering.get(i));
    }
    table.add("added until the delta is in the lake", millis(Measurements.median(added)), millis(Measurements.percentile(added, 90)));
  }

  /** Every refresh of the sunk table that left a delta is delivered, with as many rows as its history says. */
  private static void check(Connection connection, long pgtId) throws SQLException {
    long missing = Measurements.queryLong(connection, "SELECT count(*) FROM pgtrickle.pgt_refresh_history h "
        + "FULL JOIN (SELECT * FROM pgtrickle.pgt_ducklake_provenance WHERE pgt_id = " + pgtId + ") p USING (refresh_id) "
        + "WHERE (h.pgt_id = " + pgtId + " AND h.status = 'COMPLETED' AND h.delta_row_count > 0 "
        + "AND h.delta_row_count IS DISTINCT FROM p.delta_row_count) OR h.refresh_id IS NULL");
    if (missing != 0) {
      throw new IllegalStateException(missing + " refreshes of the sunk table were not delivered exactly once");
    }
  }

  private static void deliverAll(SinkDelivery delivery, long pgtId) {
    while (delivery.deliverNext(pgtId).isPresent()) {
      continue;
    }
  }


  private static String rate(double rowsPerSecond) {
    return String.format(Locale.ROOT, "%,.0f rows/s", rowsPerSecond);
  }

  private static String millis(double value) {
    return String.format(Locale.ROOT, "%.1f ms", value);
  }
}
