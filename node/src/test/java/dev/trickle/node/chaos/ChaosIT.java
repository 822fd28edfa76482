package dev.trickle.node.chaos;

import static dev.trickle.node.cluster.Queries.count;
import static dev.trickle.node.cluster.Queries.execute;
import static dev.trickle.node.cluster.Queries.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.testkit.Eventually;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite: three nodes (separate JVMs) keep the fraud demo's nine stream tables fresh,
 * two of them with DuckLake sinks on S3, while its generator writes and faults are injected —
 * kill -9 of a node mid-refresh, SIGSTOP/SIGCONT, a network partition, a PostgreSQL restart, an
 * S3 outage, a node restarted over a stale journal. After each fault the cluster must recover
 * (every stream table refreshed again) and hold: every stream table equals its query; the
 * refresh history chains frontiers without repeats or gaps; no two refreshes of a table
 * overlapped (fencing); every refresh with a delta was delivered once. At the end, with the
 * generator stopped, the Parquet files replay to the stream tables. It prints a summary table.
 *
 * <p>The default run is the smoke version (every fault kind once, two kills, a 10 s S3
 * outage); {@code mvn verify -Pchaos} runs the long one (see the README): system properties
 * {@code trickle.chaos.kills}, {@code trickle.chaos.repeat} (of each other fault kind),
 * {@code trickle.chaos.s3-outage-seconds}, {@code trickle.chaos.rate} (transactions/s) and
 * {@code trickle.chaos.seed}.
 */
class ChaosIT {
  private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(120);
  private static final String JOURNAL = "pgtrickle_pekko";

  @TempDir Path directory;
  @TempDir Path downloads;

  private ChaosCluster cluster;
  private final ChaosSummary summary = new ChaosSummary();
  private Random random;
  /** The node the current fault hit (-1: none). */
  private int victim;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyStreamTableStaysEqualToItsQueryThroughEveryFault() throws Exception {
    int kills = Integer.getInteger("trickle.chaos.kills", 2);
    int repeat = Integer.getInteger("trickle.chaos.repeat", 1);
    Duration s3Outage = Duration.ofSeconds(Integer.getInteger("trickle.chaos.s3-outage-seconds", 10));
    int rate = Integer.getInteger("trickle.chaos.rate", 20);
    long seed = Long.getLong("trickle.chaos.seed", System.nanoTime());
    random = new Random(seed);
    Instant began = Instant.now();

    cluster = ChaosCluster.start(Path.of(System.getProperty("trickle.jar", "target/trickle.jar")), directory);
    DatabaseUrl url = cluster.url();
    Invariants invariants = new Invariants(cluster, cluster.runFraud(rate, downloads));

    List<Fault> schedule = schedule(kills, repeat);
    for (int n = 0; n < schedule.size(); n++) {
      Fault fault = schedule.get(n);
      summary.inject(fault);
      Instant start = Instant.now();
      Instant lifted = inject(fault, s3Outage);
      Duration took = recover(fault, start, lifted);
      System.out.printf("fault %d/%d: %s%s, recovered after %d ms%n", n + 1, schedule.size(), fault.label(),
          victim < 0 ? "" : " of node " + (victim + 1), took.toMillis());
      summary.violations(fault.label(), invariants.violations());
      summary.violations(fault.label(), invariants.generatorViolations());
    }

    summary.violations("the end", invariants.finalViolations());
    long refreshes = count(url, "SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE status = 'COMPLETED'");
    String byNode = query(url, "SELECT coalesce(node, 'outside the cluster') || ': ' || count(*) FROM pgtrickle.pgt_refresh_history "
        + "WHERE status = 'COMPLETED' GROUP BY node ORDER BY node").stream().map(row -> (String) row.get(0))
        .collect(Collectors.joining(", "));
    summary.print(System.out, String.format("Chaos run: %d faults in %d s, seed %d, generator %d transactions/s, "
            + "9 stream tables on 3 nodes, 2 DuckLake sinks", schedule.size(),
            Duration.between(began, Instant.now()).toSeconds(), seed, rate),
        List.of("refreshes completed: " + refreshes + " (" + byNode + ")",
            "deliveries: " + count(url, "SELECT count(*) FROM pgtrickle.pgt_ducklake_provenance")));

    for (Fault fault : schedule) {
      assertEquals(summary.timesInjected(fault), summary.recoveries(fault), "recoveries from " + fault.label());
    }
    assertEquals(List.of(), summary.violations());
    assertTrue(refreshes > 100, "the cluster refreshed under the faults: " + refreshes);
  }

  /** Kills and every other fault kind {@code repeat} times, in an order drawn from the seed. */
  private List<Fault> schedule(int kills, int repeat) {
    List<Fault> schedule = new ArrayList<>(Collections.nCopies(kills, Fault.KILL));
    for (Fault fault : Fault.values()) {
      if (fault != Fault.KILL) {
        schedule.addAll(Collections.nCopies(repeat, fault));
      }
    }
    Collections.shuffle(schedule, random);
    return schedule;
  }

  /** Injects the fault and lifts it again; returns when it was lifted. */
  private Instant inject(Fault fault, Duration s3Outage) throws Exception {
    victim = fault == Fault.POSTGRES_RESTART || fault == Fault.S3_OUTAGE ? -1 : random.nextInt(ChaosCluster.NODES);
    switch (fault) {
      case KILL -> {
        if (awaitRefreshOn(victim)) {
          summary.killedMidRefresh();
        }
        cluster.node(victim).kill();
        Eventually.sleep(1_000 + random.nextInt(3_000));
        cluster.startNode(victim);
      }
      case PAUSE -> {
        cluster.node(victim).pause();
        Eventually.sleep(12_000);
        cluster.node(victim).resume();
      }
      case PARTITION -> {
        cluster.cut(victim);
        Eventually.sleep(15_000);
        cluster.heal(victim);
      }
      case POSTGRES_RESTART -> cluster.restartPostgres(Duration.ofSeconds(3));
      case S3_OUTAGE -> {
        cluster.s3().pause();
        Eventually.sleep(s3Outage.toMillis());
        cluster.s3().resume();
      }
      case STALE_JOURNAL -> restartOverAStaleJournal();
    }
    return Instant.now();
  }

  /** Waits (10 s at most) until the node runs a refresh; whether it caught one. */
  private boolean awaitRefreshOn(int node) {
    String sql = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pgtrickle._refresh(%' "
        + "AND application_name = 'trickle " + cluster.address(node) + "'";
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (Quietly.holds(() -> count(cluster.url(), sql) > 0)) {
        return true;
      }
      Eventually.sleep(5);
    }
    return false;
  }

  /**
   * Notes the journal's position, lets refreshes go on, kills the node owning the most stream
   * tables and, before the others take them over, deletes their journal events and snapshots
   * written since: they recover state older than the catalog's. Then starts the node again.
   */
  private void restartOverAStaleJournal() throws IOException, SQLException {
    DatabaseUrl url = cluster.url();
    long mark = count(url, "SELECT coalesce(max(ordering), 0) FROM " + JOURNAL + ".event_journal");
    long markMillis = System.currentTimeMillis();
    Eventually.sleep(5_000);
    Map<String, String> owners = cluster.node(0).owners().isEmpty() ? cluster.node(1).owners() : cluster.node(0).owners();
    victim = 0;
    long most = -1;
    for (int i = 0; i < ChaosCluster.NODES; i++) {
      String address = cluster.address(i);
      long owned = owners.values().stream().filter(address::equals).count();
      if (owned > most) {
        most = owned;
        victim = i;
      }
    }
    String address = cluster.address(victim);
    List<String> tables = owners.entrySet().stream().filter(entry -> address.equals(entry.getValue()))
        .map(entry -> "'" + entry.getKey().replace("'", "''") + "'").toList();
    cluster.node(victim).kill();
    if (!tables.isEmpty()) {
      String ids = "SELECT pgt_id::text FROM pgtrickle.pgt_stream_tables WHERE pgt_schema || '.' || pgt_name IN ("
          + String.join(", ", tables) + ")";
      String stale = "(persistence_id LIKE 'StreamTable|%' OR persistence_id LIKE 'Sink|%') "
          + "AND split_part(persistence_id, ':', -1) IN (" + ids + ")";
      execute(url, "DELETE FROM " + JOURNAL + ".event_journal WHERE ordering > " + mark + " AND " + stale,
          "DELETE FROM " + JOURNAL + ".snapshot WHERE created > " + markMillis + " AND " + stale);
    }
    Eventually.sleep(2_000);
    cluster.startNode(victim);
  }

  /**
   * Restarts the nodes the fault made exit, then waits until all are ready and every active
   * stream table refreshed after the fault was lifted; samples the staleness meanwhile. Returns
   * how long after the fault began that was.
   */
  private Duration recover(Fault fault, Instant start, Instant lifted) throws IOException {
    DatabaseUrl url = cluster.url();
    List<String> unexpected = new ArrayList<>();
    long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
    Duration staleness = Duration.ZERO;
    while (System.nanoTime() < deadline) {
      summary.nodesRestarted(cluster.restartExited(unexpected));
      Optional<Double> stalest = Optional.ofNullable(Quietly.read(() -> (Number) query(url, "SELECT max(extract(epoch FROM "
          + "clock_timestamp() - data_timestamp)) FROM pgtrickle.pgt_stream_tables WHERE status = 'ACTIVE'").get(0).get(0)))
          .map(Number::doubleValue);
      if (stalest.isPresent()) {
        staleness = max(staleness, Duration.ofMillis((long) (stalest.get() * 1000)));
      }
      boolean refreshed = Quietly.holds(() -> count(url, "SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE status <> 'ACTIVE' "
          + "OR data_timestamp <= '" + lifted + "'::timestamptz") == 0);
      if (refreshed && cluster.allReady()) {
        Duration took = Duration.between(start, Instant.now());
        summary.recovered(fault, took, staleness);
        summary.violations(fault.label(), unexpected);
        return took;
      }
      Eventually.sleep(500);
    }
    summary.staleness(fault, staleness);
    unexpected.add("no recovery within " + RECOVERY_TIMEOUT + ": " + query(url, "SELECT pgt_name, status, data_timestamp, "
        + "last_error_message FROM pgtrickle.pgt_stream_tables ORDER BY pgt_name"));
    summary.violations(fault.label(), unexpected);
    return Duration.between(start, Instant.now());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
