package dev.trickle.node.chaos;

import static dev.trickle.node.cluster.Queries.count;
import static dev.trickle.node.cluster.Queries.query;
import static dev.trickle.node.cluster.Queries.rows;

import dev.trickle.catalog.StreamTableVerifier;
import dev.trickle.catalog.Verification;
import dev.trickle.node.cluster.LakeChecks;
import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.sinks.ducklake.DuckLakeConformance;
import dev.trickle.testkit.Eventually;
import dev.trickle.testkit.RefreshHistoryChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What must hold of a fraud cluster whatever happened to it: every stream table equals its
 * query; the refresh history chains frontiers without repeats or gaps; no two refreshes of a
 * table overlapped (the refresh lock fenced them, whichever node ran them); every refresh with a
 * delta up to a sink's frontier was delivered once; the generator still writes. At the end, with
 * the generator stopped: the lake replays to the stream tables, the store holds exactly the
 * catalog's files, DuckLake's catalog conforms, and no node logged a secret.
 */
final class Invariants {
  private final ChaosCluster cluster;
  private final List<LakeChecks> sinks;

  Invariants(ChaosCluster cluster, List<LakeChecks> sinks) {
    this.cluster = cluster;
    this.sinks = sinks;
  }

  /** What is wrong now, while the generator writes (empty when nothing is). */
  List<String> violations() {
    DatabaseUrl url = cluster.url();
    List<String> found = new ArrayList<>();
    StreamTableVerifier verifier = new StreamTableVerifier(url::connect);
    for (String table : rows(url, "SELECT pgt_name FROM pgtrickle.pgt_stream_tables")) {
      Verification verification = verifier.verify(table);
      if (!verification.matches()) {
        found.add(table + " differs from its query: " + verification);
      }
    }
    long broken = count(url, RefreshHistoryChecks.BROKEN_FRONTIER_CHAINS);
    if (broken > 0) {
      found.add(broken + " refreshes did not start at the frontier the previous one ended at");
    }
    List<List<Object>> overlapping = query(url, RefreshHistoryChecks.OVERLAPPING_REFRESHES);
    if (!overlapping.isEmpty()) {
      found.add("refreshes of one stream table overlapped (refresh, node, node before): " + overlapping);
    }
    sinks.forEach(sink -> found.addAll(sink.deliveryViolations()));
    return found;
  }

  /** Whether the generator still runs; what it last said when it does not. */
  List<String> generatorViolations() {
    return cluster.generatorRunning() ? List.of() : List.of("the generator stopped: " + tail(cluster.generatorLog()));
  }

  /** Stops the generator, waits until every sink delivered everything, and checks all there is. */
  List<String> finalViolations() throws Exception {
    DatabaseUrl url = cluster.url();
    List<String> found = new ArrayList<>(generatorViolations());
    cluster.stopGenerator();
    Instant stopped = Instant.now();
    Eventually.holds("every stream table refreshed after the last write, every sink delivered", Duration.ofSeconds(120),
        () -> Quietly.holds(() -> count(url, "SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE status = 'ACTIVE' "
            + "AND data_timestamp <= '" + stopped + "'::timestamptz") == 0
            && count(url, "SELECT coalesce(sum(pending_refreshes), 0) FROM pgtrickle.sink_status()") == 0));
    found.addAll(violations());
    LakeChecks append = sinks.get(0);
    LakeChecks mirror = sinks.get(1);
    List<String> appendTable = append.streamTable();
    List<String> replayed = append.replayAppendLog();
    if (!appendTable.equals(replayed)) {
      found.add(append.table() + "'s append log does not replay to the stream table: " + difference(appendTable, replayed));
    }
    List<String> mirrorTable = mirror.streamTable();
    List<String> mirrored = mirror.mirrorContents();
    if (!mirrorTable.equals(mirrored)) {
      found.add(mirror.table() + "'s mirror files do not hold the stream table: " + difference(mirrorTable, mirrored));
    }
    for (LakeChecks sink : sinks) {
      found.addAll(sink.storeViolations());
    }
    try (Connection connection = url.connect()) {
      found.addAll(DuckLakeConformance.violations(connection, "ducklake"));
    }
    for (Path log : cluster.logs()) {
      String text = Files.readString(log);
      for (String secret : List.of(cluster.s3().settings().secretAccessKey().orElseThrow(), ChaosCluster.ADMIN_TOKEN)) {
        if (text.contains(secret)) {
          found.add(log + " shows a secret");
        }
      }
    }
    return found;
  }

  /** The sizes of two row lists and the first rows each has that the other lacks. */
  private static String difference(List<String> table, List<String> lake) {
    List<String> missing = without(table, lake);
    List<String> extra = without(lake, table);
    return table.size() + " rows in the table, " + lake.size() + " in the lake; missing from the lake "
        + missing.subList(0, Math.min(5, missing.size())) + (missing.size() > 5 ? " (" + missing.size() + ")" : "")
        + ", extra " + extra.subList(0, Math.min(5, extra.size())) + (extra.size() > 5 ? " (" + extra.size() + ")" : "");
  }

  /** The rows of {@code rows} left after taking away those of {@code taken}, each as often as it occurs. */
  private static List<String> without(List<String> rows, List<String> taken) {
    Map<String, Integer> left = new HashMap<>();
    taken.forEach(row -> left.merge(row, 1, Integer::sum));
    List<String> kept = new ArrayList<>();
    for (String row : rows) {
      if (left.merge(row, -1, Integer::sum) < 0) {
        kept.add(row);
      }
    }
    return kept;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
