package dev.trickle.node.chaos;

import static dev.trickle.node.cluster.Queries.count;
import static dev.trickle.node.cluster.Queries.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.testkit.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: the chaos suite's cluster (three node JVMs, the fraud demo, two DuckLake sinks) under a
 * steady {@code trickle.soak.rate} transactions a second for {@code trickle.soak.seconds} (the
 * default run: 200 for 30 s; {@code -Psoak}: 2,000 for 10 minutes), no faults.
 * Every second it samples each stream table's staleness against its expected interval; every
 * minute each node's live heap (after a full collection). It must hold: the sources took the
 * rate, staleness p99 under twice the schedule, no failed refresh or delivery, memory flat (on
 * runs of 5 minutes or more: live heap at the end within 25% + 16 MB of the first minute's),
 * and the invariants of the chaos suite. It prints a summary.
 */
class SoakIT {
  private static final Duration WARM_UP = Duration.ofSeconds(10);
  private static final Duration MEMORY_SAMPLE = Duration.ofSeconds(60);
  /** Source changes so far: transactions inserted (their ids are a sequence) and merchant tier updates. */
  private static final String CHANGES = "SELECT (SELECT coalesce(max(txn_id), 0) FROM transactions) + (SELECT n_tup_upd "
      + "FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = 'merchant_risk_tier')";
  private static final String STALENESS = "SELECT st.pgt_name, extract(epoch FROM clock_timestamp() - st.data_timestamp) "
      + "/ extract(epoch FROM e.expected) FROM pgtrickle.pgt_stream_tables st JOIN pgtrickle._expected_intervals() e "
      + "USING (pgt_id) WHERE st.status = 'ACTIVE' AND e.expected IS NOT NULL";

  @TempDir Path directory;
  @TempDir Path downloads;

  private ChaosCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void holdsStalenessUnderTwiceTheScheduleAndMemoryFlatUnderASteadyLoad() throws Exception {
    Duration duration = Duration.ofSeconds(Long.getLong("trickle.soak.seconds", 30));
    int rate = Integer.getInteger("trickle.soak.rate", 200);
    cluster = ChaosCluster.start(Path.of(System.getProperty("trickle.jar", "target/trickle.jar")), directory);
    DatabaseUrl url = cluster.url();
    Invariants invariants = new Invariants(cluster, cluster.runFraud(rate, downloads));
    Eventually.sleep(WARM_UP.toMillis());

    long changesBefore = count(url, CHANGES);
    long refreshesBefore = count(url, "SELECT coalesce(max(refresh_id), 0) FROM pgtrickle.pgt_refresh_history");
    List<Double> ratios = new ArrayList<>();
    Map<String, Double> worst = new TreeMap<>();
    List<List<Double>> heaps = new ArrayList<>();
    heaps.add(liveHeaps());
    long start = System.nanoTime();
    long nextHeap = start + MEMORY_SAMPLE.toNanos();
    while (System.nanoTime() - start < duration.toNanos()) {
      for (List<Object> row : query(url, STALENESS)) {
        double ratio = ((Number) row.get(1)).doubleValue();
        ratios.add(ratio);
        worst.merge((String) row.get(0), ratio, Math::max);
      }
      if (System.nanoTime() >= nextHeap) {
        heaps.add(liveHeaps());
        nextHeap += MEMORY_SAMPLE.toNanos();
      }
      Eventually.sleep(1_000);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    heaps.add(liveHeaps());
    // The statistics system reports a backend's counts within a second or so.
    Eventually.sleep(2_000);
    double changesPerSecond = (count(url, CHANGES) - changesBefore) / seconds;
    long refreshes = count(url, "SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE status = 'COMPLETED' "
        + "AND refresh_id > " + refreshesBefore);
    long failed = count(url, "SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE status = 'FAILED'");
    long sinkErrors = count(url, "SELECT coalesce(sum(consecutive_errors), 0) FROM pgtrickle.sink_status()");
    long generatorErrors = Files.readAllLines(cluster.generatorLog()).stream().filter(line -> line.startsWith("generator:")).count();

    Collections.sort(ratios);
    double p50 = percentile(ratios, 0.50);
    double p99 = percentile(ratios, 0.99);
    System.out.printf("Soak: %.0f s at %d transactions/s asked; the sources took %.0f changes/s%n", seconds, rate,
        changesPerSecond);
    System.out.printf("staleness / expected interval over %d samples: p50 %.2f, p99 %.2f, max %.2f; worst per table %s%n",
        ratios.size(), p50, p99, ratios.get(ratios.size() - 1), rounded(worst));
    System.out.printf("refreshes completed: %d (%.1f/s), failed: %d; sink errors: %d; generator errors: %d%n", refreshes,
        refreshes / seconds, failed, sinkErrors, generatorErrors);
    System.out.println("live heap after full GC per node (MB), every minute: " + heaps);
    System.out.flush();
    List<String> violations = new ArrayList<>(invariants.violations());
    violations.addAll(invariants.generatorViolations());
    violations.addAll(invariants.finalViolations());
    System.out.println("violations: " + violations.size());
    violations.forEach(violation -> System.out.println("  " + violation));

    assertTrue(changesPerSecond >= 0.9 * rate, "the sources took " + changesPerSecond + " changes/s of " + rate);
    assertTrue(p99 < 2.0, "staleness p99 is " + p99 + " times the expected interval");
    assertEquals(0, failed + sinkErrors + generatorErrors, "failed refreshes, sink errors, generator errors");
    assertEquals(List.of(), violations);
    if (duration.compareTo(Duration.ofMinutes(5)) >= 0) {
      List<Double> first = heaps.get(1);
      List<Double> last = heaps.get(heaps.size() - 1);
      for (int node = 0; node < first.size(); node++) {
        assertTrue(last.get(node) <= first.get(node) * 1.25 + 16, "node " + node + "'s live heap grew from "
            + first.get(node) + " MB to " + last.get(node) + " MB");
      }
    }
  }

  private List<Double> liveHeaps() throws Exception {
    List<Double> heaps = new ArrayList<>();
    for (int i = 0; i < ChaosCluster.NODES; i++) {
      heaps.add(Math.round(LiveHeap.megabytes(cluster.node(i).pid()) * 10) / 10.0);
    }
    return heaps;
  }

  private static double percentile(List<Double> sorted, double quantile) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
  }

  private static Map<String, String> rounded(Map<String, Double> values) {
    Map<String, String> rounded = new TreeMap<>();
    values.forEach((key, value) -> rounded.put(key, String.format("%.2f", value)));
    return rounded;
  }
}
