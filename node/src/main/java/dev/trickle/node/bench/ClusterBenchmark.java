package dev.trickle.node.bench;

import dev.trickle.catalog.StreamTableDefinition;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.engine.RefreshCompiler;
import dev.trickle.node.cluster.NodeProcess;
import dev.trickle.node.cluster.Ports;
import dev.trickle.protocol.RefreshMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trickle bench cluster}: a local cluster of node processes on 127.0.0.1, .2, .3, ...
 * First the propagation of a change down a chain of {@code calculated} stream tables; then
 * many small aggregate stream tables over a few sources, a share of them changed every second,
 * measuring how long each change takes to become visible and the CPU every node used.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Staleness and CPU per node of many stream tables on a local multi-process cluster, and propagation "
        + "down a chain of calculated stream tables.")
public final class ClusterBenchmark implements Callable<Integer> {
  private static final Duration STARTUP = Duration.ofMinutes(3);
  /** Changes sent down the chain before measuring, while the JVMs warm up. */
  private static final int WARM_UP_ROUNDS = 5;

  @Spec CommandSpec spec;

  @Mixin BenchServer server;

  @Option(names = "--nodes", defaultValue = "3", description = "node processes (default 3)")
  int nodes;

  @Option(names = "--tables", defaultValue = "1000", description = "aggregate stream tables (default 1000)")
  int tables;

  @Option(names = "--sources", defaultValue = "10", description = "source tables they read (default 10)")
  int sources;

  @Option(names = "--changing", defaultValue = "1", description = "percent of the stream tables changed per second (default 1)")
  double changingPercent;

  @Option(names = "--schedule", defaultValue = "1s", description = "their schedule (default 1s)")
  String schedule;

  @Option(names = "--seconds", defaultValue = "60", description = "how long changes are made (default 60)")
  int seconds;

  @Option(names = "--levels", defaultValue = "10", description = "levels of the calculated chain (default 10)")
  int levels;

  @Option(names = "--chain-schedule", defaultValue = "100ms", description = "schedule of the chain's first level (default 100ms)")
  String chainSchedule;

  @Option(names = "--rounds", defaultValue = "30", description = "changes sent down the chain (default 30)")
  int rounds;

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || nodes > 250 || tables < 1 || sources < 1 || changingPercent <= 0 || seconds < 1 || levels < 1
        || rounds < 1) {
      throw new IllegalArgumentException("--nodes (1-250), --tables, --sources, --changing, --seconds, --levels and "
          + "--rounds must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (BenchDatabase database = server.open(); Connection connection = database.url().connect()) {
      StreamTableDefinitions definitions = new StreamTableDefinitions(database.url()::connect, new RefreshCompiler());
      createChain(connection, definitions);
      List<NodeProcess> cluster = startNodes(database, out);
      try {
        out.printf(Locale.ROOT, "Cluster benchmark on PostgreSQL %s, %d node processes (logs: %s ...)%n",
            database.serverVersion(), nodes, cluster.get(0).log());
        out.flush();
        chain(connection, out);
        load(connection, definitions, cluster, out);
      } finally {
        for (NodeProcess node : cluster) {
          node.close();
        }
      }
    }
    return 0;
  }

  private List<NodeProcess> startNodes(BenchDatabase database, PrintWriter out) throws IOException {
    int clusterPort = Ports.free(25520);
    List<String> java = NodeProcess.javaCommand("-Xmx512m");
    List<NodeProcess> cluster = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        cluster.add(NodeProcess.start(java, "127.0.0." + (i + 1), clusterPort, Ports.free(18180 + i),
            Ports.free(18580 + i), List.of(database.url().toLibpqUrl()), "127.0.0.1:" + clusterPort));
        if (i == 0) {
          await("the first node is ready", STARTUP, cluster.get(0)::ready, cluster);
        }
      }
      await("all nodes are ready", STARTUP, () -> cluster.stream().allMatch(NodeProcess::ready), cluster);
      return cluster;
    } catch (RuntimeException e) {
      for (NodeProcess node : cluster) {
        try {
          node.close();
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      throw e;
    }
  }

  private void createChain(Connection connection, StreamTableDefinitions definitions) throws SQLException {
    Measurements.execute(connection, "CREATE TABLE chain_source (k integer PRIMARY KEY, v bigint NOT NULL)",
        "INSERT INTO chain_source SELECT g, 0 FROM generate_series(1, 100) g");
    for (int level = 1; level <= levels; level++) {
      String query = level == 1 ? "SELECT k, v FROM chain_source" : "SELECT k, v FROM chain_" + (level - 1);
      definitions.create(new StreamTableDefinition("chain_" + level, query, level == 1 ? chainSchedule : "calculated",
          RefreshMode.DIFFERENTIAL, true));
    }
  }

  /** Sends changes down the chain one at a time; each is timed from its commit until the last level shows it. */
  private void chain(Connection connection, PrintWriter out) throws SQLException, InterruptedException {
    Random random = new Random(42);
    List<Double> total = new ArrayList<>();
    List<Double> firstLevel = new ArrayList<>();
    String last = "chain_" + levels;
    Instant measuredFrom = null;
    for (int round = 1; round <= WARM_UP_ROUNDS + rounds; round++) {
      Thread.sleep(100 + random.nextInt(200));
      Instant changed = Measurements.queryInstant(connection,
          "UPDATE chain_source SET v = " + round + " WHERE k = 1 RETURNING clock_timestamp()");
      Instant visible = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (visible == null && System.nanoTime() < deadline) {
        try (Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT v, clock_timestamp() FROM " + last + " WHERE k = 1")) {
          if (row.next() && row.getLong(1) == round) {
            visible = row.getTimestamp(2).toInstant();
          }
        }
        if (visible == null) {
          Thread.sleep(2);
        }
      }
      if (visible == null) {
        throw new IllegalStateException("round " + round + " did not reach " + last + " within 30 s");
      }
      if (round <= WARM_UP_ROUNDS) {
        continue;
      }
      if (measuredFrom == null) {
        measuredFrom = changed;
      }
      total.add(millis(changed, visible));
      Instant firstDone = Measurements.queryInstant(connection, "SELECT min(h.end_time) FROM pgtrickle.pgt_refresh_history h "
          + "JOIN pgtrickle.pgt_stream_tables st USING (pgt_id) WHERE st.pgt_name = 'chain_1' AND h.rows_updated > 0 "
          + "AND h.start_time >= '" + Timestamp.from(changed) + "'::timestamptz");
      firstLevel.add(millis(changed, firstDone));
    }
    List<Double> below = new ArrayList<>();
    for (int i = 0; i < total.size(); i++) {
      below.add(total.get(i) - firstLevel.get(i));
    }
    List<Double> refreshing = new ArrayList<>();
    List<Double> handOver = new ArrayList<>();
    chainSteps(connection, measuredFrom, refreshing, handOver);
    out.printf(Locale.ROOT, "%nPropagation through a %d-level chain (level 1 on a %s schedule, the rest calculated), "
        + "%d changes:%n", levels, chainSchedule, rounds);
    BenchTable table = new BenchTable("FROM COMMIT", "p50 ms", "p90 ms", "max ms");
    table.add("until level 1 refreshed", format(Measurements.percentile(firstLevel, 50)), format(Measurements.percentile(firstLevel, 90)),
        format(Measurements.percentile(firstLevel, 100)));
    table.add("then down to level " + levels, format(Measurements.percentile(below, 50)), format(Measurements.percentile(below, 90)),
        format(Measurements.percentile(below, 100)));
    table.add("each level's refresh", format(Measurements.percentile(refreshing, 50)), format(Measurements.percentile(refreshing, 90)),
        format(Measurements.percentile(refreshing, 100)));
    table.add("each hand-over to the next level", format(Measurements.percentile(handOver, 50)), format(Measurements.percentile(handOver, 90)),
        format(Measurements.percentile(handOver, 100)));
    table.add("until level " + levels + " visible", format(Measurements.percentile(total, 50)), format(Measurements.percentile(total, 90)),
        format(Measurements.percentile(total, 100)));
    table.print(out);
    out.printf(Locale.ROOT, "End to end p50: %.0f ms (goal <= 200 ms)%n", Measurements.percentile(total, 50));
    out.flush();
  }

  /** How long each level's refresh took, and how long after it the next level's started. */
  private void chainSteps(Connection connection, Instant since, List<Double> refreshing, List<Double> handOver)
      throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("""
        SELECT extract(epoch FROM h.end_time - h.start_time) * 1000,
               extract(epoch FROM h.start_time - lag(h.end_time) OVER (PARTITION BY h.data_round ORDER BY h.level)) * 1000
          FROM (SELECT h.*, substr(st.pgt_name, 7)::integer AS level,
                       rank() OVER (PARTITION BY st.pgt_name ORDER BY h.refresh_id) AS data_round
                  FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables st USING (pgt_id)
                 WHERE st.pgt_name LIKE 'chain\\_%%' AND h.rows_updated > 0 AND h.start_time >= '%s'::timestamptz) h
        """.formatted(Timestamp.from(since)))) {
      while (rows.next()) {
        refreshing.add(rows.getDouble(1));
        double gap = rows.getDouble(2);
        if (!rows.wasNull()) {
          handOver.add(gap);
        }
      }
    }
  }

  /** Many aggregate stream tables; a share of them changed every second; staleness and CPU measured. */
  private void load(Connection connection, StreamTableDefinitions definitions, List<NodeProcess> cluster, PrintWriter out)
      throws SQLException, InterruptedException {
    int slices = (tables + sources - 1) / sources;
    for (int source = 0; source < sources; source++) {
      Measurements.execute(connection, "CREATE TABLE load_source_" + source
              + " (id bigserial PRIMARY KEY, slice integer NOT NULL, amount integer NOT NULL)",
          "INSERT INTO load_source_" + source + " (slice, amount) SELECT g % " + slices + ", g FROM generate_series(1, "
              + (slices * 10) + ") g");
    }
    for (int table = 0; table < tables; table++) {
      definitions.create(new StreamTableDefinition("load_" + table, "SELECT slice, count(*) AS n, sum(amount) AS total "
          + "FROM load_source_" + (table % sources) + " WHERE slice = " + (table / sources) + " GROUP BY slice",
          schedule, RefreshMode.DIFFERENTIAL, true));
    }
    await("every stream table refreshed by the cluster", STARTUP, () -> countQuietly(connection,
        "SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE pgt_name LIKE 'load\\_%' AND status = 'ACTIVE' "
            + "AND last_refresh_at > created_at") == tables, cluster);

    Measurements.execute(connection, "CREATE TABLE bench_changes (stream_table text NOT NULL, committed_at timestamptz NOT NULL)");
    List<Duration> cpuBefore = cluster.stream().map(NodeProcess::cpuTime).toList();
    Duration postgresBefore = PostgresCpu.total();
    long started = System.nanoTime();
    long interval = Math.max(1, Math.round(1_000_000_000.0 / (tables * changingPercent / 100.0)));
    Random random = new Random(7);
    long changes = 0;
    for (long next = started; next < started + Duration.ofSeconds(seconds).toNanos(); next += interval) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      int table = random.nextInt(tables);
      Measurements.execute(connection, "WITH changed AS (INSERT INTO load_source_" + (table % sources)
          + " (slice, amount) VALUES (" + (table / sources) + ", 1) RETURNING clock_timestamp() AS at) "
          + "INSERT INTO bench_changes SELECT 'load_" + table + "', at FROM changed");
      changes++;
    }
    double wall = (System.nanoTime() - started) / 1e9;
    List<Duration> cpuAfter = cluster.stream().map(NodeProcess::cpuTime).toList();
    Duration postgresAfter = PostgresCpu.total();
    Map<String, Long> owned = cluster.get(0).owners().values().stream().filter(Objects::nonNull)
        .collect(Collectors.groupingBy(node -> node, Collectors.counting()));
    Thread.sleep(Duration.ofSeconds(5).toMillis());

    List<Double> staleness = new ArrayList<>();
    long missed = 0;
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("""
        SELECT extract(epoch FROM (SELECT min(h.end_time) FROM pgtrickle.pgt_refresh_history h
                                     JOIN pgtrickle.pgt_stream_tables st USING (pgt_id)
                                    WHERE st.pgt_name = c.stream_table AND h.status = 'COMPLETED'
                                      AND h.rows_inserted + h.rows_updated + h.rows_deleted > 0
                                      AND h.start_time >= c.committed_at) - c.committed_at) * 1000
          FROM bench_changes c
        """)) {
      while (rows.next()) {
        double millis = rows.getDouble(1);
        if (rows.wasNull()) {
          missed++;
        } else {
          staleness.add(millis);
        }
      }
    }
    String recorded = "SELECT count(*) FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables st "
        + "USING (pgt_id) WHERE st.pgt_name LIKE 'load\\_%' AND h.initiated_by = 'SCHEDULER' "
        + "AND h.start_time >= (SELECT min(committed_at) FROM bench_changes)";
    long refreshes = Measurements.queryLong(connection, recorded);
    long writing = Measurements.queryLong(connection, recorded + " AND h.rows_inserted + h.rows_updated + h.rows_deleted > 0");
    out.printf(Locale.ROOT, "%n%d stream tables (count/sum per slice) over %d sources, schedule %s; %.1f%% of them "
        + "changed per second for %d s (%d changes; %d refreshes read changes, %d of them wrote rows):%n", tables, sources,
        schedule, changingPercent, seconds, changes, refreshes, writing);
    BenchTable table = new BenchTable("CHANGE UNTIL VISIBLE", "p50 ms", "p99 ms", "max ms", "not refreshed");
    table.add("committed -> refreshed", format(Measurements.percentile(staleness, 50)), format(Measurements.percentile(staleness, 99)),
        format(Measurements.percentile(staleness, 100)), Long.toString(missed));
    table.print(out);
    out.println();
    BenchTable cpu = new BenchTable("PROCESS", "STREAM TABLES", "CPU s", "CPU % of one core");
    for (int i = 0; i < cluster.size(); i++) {
      NodeProcess node = cluster.get(i);
      double used = cpuAfter.get(i).minus(cpuBefore.get(i)).toMillis() / 1000.0;
      cpu.add("node " + node.address(), Long.toString(owned.getOrDefault(node.address(), 0L)),
          String.format(Locale.ROOT, "%.1f", used), String.format(Locale.ROOT, "%.1f", 100 * used / wall));
    }
    if (postgresAfter.compareTo(postgresBefore) > 0) {
      double used = postgresAfter.minus(postgresBefore).toMillis() / 1000.0;
      cpu.add("PostgreSQL (its running processes)", "", String.format(Locale.ROOT, "%.1f", used),
          String.format(Locale.ROOT, "%.1f", 100 * used / wall));
    }
    cpu.print(out);
    out.flush();
  }

  private static long countQuietly(Connection connection, String sql) {
    try {
      return Measurements.queryLong(connection, sql);
    } catch (SQLException e) {
      return -1;
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition, List<NodeProcess> cluster) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting until " + what + "; last lines of "
            + cluster.get(cluster.size() - 1).log() + ":\n" + cluster.get(cluster.size() - 1).logTail(20));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting until " + what, e);
      }
    }
  }

  private static double millis(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  private static String format(double millis) {
    return String.format(Locale.ROOT, "%.0f", millis);
  }
}
