package dev.trickle.node.cluster;

import static dev.trickle.node.cluster.Queries.count;
import static dev.trickle.node.cluster.Queries.execute;
import static dev.trickle.node.cluster.Queries.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.catalog.StreamTableVerifier;
import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.postgres.EmbeddedPostgres;
import dev.trickle.sinks.ducklake.DuckLakeConformance;
import dev.trickle.sinks.store.ObjectStore;
import dev.trickle.sinks.store.ObjectStores;
import dev.trickle.sinks.store.S3ProxyServer;
import dev.trickle.testkit.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node delivering two sinks (append and mirror mode) to an S3-compatible server while
 * writes go on, through three faults: the S3 server down for 30 s, the node killed with
 * {@code kill -9} after it uploaded a delta and before it committed the delivery, and a
 * PostgreSQL restart. Afterwards every refresh that left a delta is delivered exactly once, in
 * refresh order, the object store holds exactly the files the catalog names, and DuckDB reading
 * the files reproduces the stream tables.
 */
class SinkFaultIT {
  private static final String BUCKET = "lake";
  private static final String APPEND_PATH = "s3://" + BUCKET + "/append/";
  private static final String MIRROR_PATH = "s3://" + BUCKET + "/mirror/";
  private static final String DELIVERIES = "SELECT count(*) FROM pgtrickle.pgt_ducklake_provenance";
  /** The advisory-lock namespace ('TRKM') Trickle's writers of a DuckLake catalog serialize on, with hashtext(schema). */
  private static final int CATALOG_LOCK_NAMESPACE = 1414679373;

  @TempDir Path dataDirectory;
  @TempDir Path downloads;

  private EmbeddedPostgres postgres;
  private S3ProxyServer s3;
  private NodeProcess node;
  /** The logs of every node started, checked for secrets at the end. */
  private final List<Path> logs = new ArrayList<>();
  private Thread writer;
  private final AtomicBoolean writing = new AtomicBoolean(true);

  @AfterEach
  void stopEverything() throws Exception {
    writing.set(false);
    if (writer != null) {
      writer.join();
    }
    if (node != null) {
      node.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void everyRefreshIsDeliveredOnceThroughAnS3OutageANodeKilledBeforeCommitAndAPostgresRestart() throws Exception {
    DatabaseUrl url = startPostgresAndS3();
    createStreamTablesWithSinks(url);
    node = startNode(url);
    writer = new Thread(() -> write(url));
    writer.start();
    waitForDeliveries(url, "the first deliveries", 3);

    survivesAnS3Outage(url);
    killBetweenUploadAndCommit(url);
    int port = postgres.port();
    postgres.close();
    Eventually.sleep(3_000);
    postgres = EmbeddedPostgres.start(port, dataDirectory, true);
    waitForDeliveries(url, "deliveries after PostgreSQL restarted", count(url, DELIVERIES) + 2);

    writing.set(false);
    writer.join();
    StreamTableVerifier verifier = new StreamTableVerifier(url::connect);
    Eventually.holds("both stream tables are current and delivered", Duration.ofSeconds(60), () -> {
      try {
        return verifier.compare("per_player").matches() && verifier.compare("high_scores").matches()
            && count(url, "SELECT coalesce(sum(pending_refreshes), 0) FROM pgtrickle.sink_status()") == 0;
      } catch (RuntimeException e) {
        return false;
      }
    });
    LakeChecks perPlayer = new LakeChecks(url, "per_player", APPEND_PATH, "concat_ws('|', player, plays, total, best)",
        s3.settings(), downloads);
    LakeChecks highScores = new LakeChecks(url, "high_scores", MIRROR_PATH, "concat_ws('|', id, player, score, note)",
        s3.settings(), downloads);
    for (LakeChecks sink : List.of(perPlayer, highScores)) {
      assertEquals(List.of(), sink.deliveryViolations());
      assertEquals(List.of(), sink.storeViolations());
    }
    assertEquals(perPlayer.streamTable(), perPlayer.replayAppendLog());
    assertEquals(highScores.streamTable(), highScores.mirrorContents());
    try (Connection connection = url.connect()) {
      assertEquals(List.of(), DuckLakeConformance.violations(connection, "ducklake"));
    }
    assertNoSecretsLogged();
  }

  /** The S3 secret key and the admin token never reach a node's log, even through the faults' errors. */
  private void assertNoSecretsLogged() throws IOException {
    assertTrue(logs.size() >= 2, "the nodes' logs: " + logs);
    for (Path log : logs) {
      String text = Files.readString(log);
      assertFalse(text.isBlank(), log + " has the node's messages");
      for (String secret : List.of(s3.settings().secretAccessKey().orElseThrow(), TestNodes.ADMIN_TOKEN)) {
        assertFalse(text.contains(secret), log + " shows a secret");
      }
    }
  }

  /** A PostgreSQL of the test's own (it is restarted) with the catalog, and an S3 server with a bucket. */
  private DatabaseUrl startPostgresAndS3() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    postgres = EmbeddedPostgres.start(port, dataDirectory, true);
    DatabaseUrl url = postgres.url("postgres");
    CatalogInstaller.install(url);
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    return url;
  }

  private static void createStreamTablesWithSinks(DatabaseUrl url) throws SQLException {
    execute(url, "CREATE TABLE events (id bigserial PRIMARY KEY, player int NOT NULL, score int NOT NULL, note text)",
        "INSERT INTO events (player, score, note) SELECT g % 12, g % 100, 'n' || g FROM generate_series(1, 200) g",
        "SELECT pgtrickle.create_stream_table('per_player', 'SELECT player, count(*) AS plays, sum(score) AS total, "
            + "max(score) AS best FROM events GROUP BY player', '1s', 'DIFFERENTIAL', sink => 'ducklake', "
            + "ducklake_sink_path => '" + APPEND_PATH + "', ducklake_sink_mode => 'append')",
        "SELECT pgtrickle.create_stream_table('high_scores', 'SELECT id, player, score, note FROM events "
            + "WHERE score >= 50', '1s', 'DIFFERENTIAL', sink => 'ducklake', ducklake_sink_path => '" + MIRROR_PATH
            + "', ducklake_sink_mode => 'mirror')");
  }

  /** S3 down for 30 s: refreshes go on, both sinks show their lag and error, then catch up. */
  private void survivesAnS3Outage(DatabaseUrl url) throws Exception {
    s3.pause();
    long historyBeforeOutage = count(url, "SELECT count(*) FROM pgtrickle.pgt_refresh_history");
    Eventually.sleep(30_000);
    assertTrue(count(url, "SELECT count(*) FROM pgtrickle.pgt_refresh_history") > historyBeforeOutage + 10,
        "refreshes go on while S3 is down");
    for (List<Object> sink : query(url, "SELECT name, sink_pending_refreshes, sink_last_error "
        + "FROM pgtrickle.pgt_status() ORDER BY name")) {
      assertTrue((Long) sink.get(1) > 0 && sink.get(2) != null, "pgt_status() shows the sink's lag and error: " + sink);
    }
    assertTrue(count(url, "SELECT min(consecutive_errors) FROM pgtrickle.sink_status()") > 0,
        "sink_status() counts the failed deliveries");
    s3.resume();
    waitForDeliveries(url, "deliveries after S3 is back", count(url, DELIVERIES) + 2);
  }

  private NodeProcess startNode(DatabaseUrl url) throws IOException {
    NodeProcess started = TestNodes.start("127.0.0.1", url.toLibpqUrl(), 18095, 18575, Map.of(
        "TRICKLE_S3_ENDPOINT", s3.endpoint().toString(), "AWS_ACCESS_KEY_ID", s3.settings().accessKeyId().orElseThrow(),
        "AWS_SECRET_ACCESS_KEY", s3.settings().secretAccessKey().orElseThrow()));
    logs.add(started.log());
    Eventually.holds("the node is ready", Duration.ofSeconds(60), started::ready);
    return started;
  }

  /** Inserts, updates and deletes events until told to stop, riding out the PostgreSQL restart. */
  private void write(DatabaseUrl url) {
    Random random = new Random(5);
    while (writing.get()) {
      try (Connection connection = url.connect(); Statement statement = connection.createStatement()) {
        while (writing.get()) {
          int player = random.nextInt(12);
          statement.execute("INSERT INTO events (player, score, note) VALUES (" + player + ", " + random.nextInt(100)
              + ", 'w" + random.nextInt(1000) + "'), (" + random.nextInt(12) + ", " + random.nextInt(100) + ", NULL)");
          statement.execute("UPDATE events SET score = (score + 37) % 100 WHERE id = (SELECT min(id) FROM events "
              + "WHERE player = " + player + ")");
          if (random.nextInt(3) == 0) {
            statement.execute("DELETE FROM events WHERE id = (SELECT max(id) FROM events WHERE player = " + player + ")");
          }
          Eventually.sleep(100);
        }
      } catch (SQLException e) {
        Eventually.sleep(500);
      }
    }
  }

  private void waitForDeliveries(DatabaseUrl url, String what, long atLeast) {
    Eventually.holds(what + " (" + atLeast + " in the provenance)", Duration.ofSeconds(90), () -> {
      try {
        return count(url, DELIVERIES) >= atLeast;
      } catch (RuntimeException e) {
        return false;
      }
    });
  }

  /**
   * Holds the DuckLake catalog's writer lock, so per_player's next delivery uploads its file and
   * then waits to commit; kills the node there, lets the orphaned transaction end, and starts a
   * new node, which must deliver the same refresh under the same key once.
   */
  private void killBetweenUploadAndCommit(DatabaseUrl url) throws Exception {
    long pgtId = count(url, "SELECT pgt_id FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'per_player'");
    long pending;
    try (Connection blocker = url.connect()) {
      blocker.setAutoCommit(false);
      try (Statement statement = blocker.createStatement()) {
        statement.execute("SELECT pg_advisory_xact_lock(" + CATALOG_LOCK_NAMESPACE + ", hashtext('ducklake'))");
      }
      String pendingRefresh = "SELECT min(refresh_id) FROM pgtrickle.pgt_refresh_history WHERE pgt_id = " + pgtId
          + " AND status = 'COMPLETED' AND delta_row_count > 0 AND refresh_id > (SELECT delivered_refresh_id "
          + "FROM pgtrickle.pgt_sinks WHERE pgt_id = " + pgtId + ")";
      // Both sinks share the catalog's lock: wait for per_player's own file, uploaded and not committed.
      try (ObjectStore store = ObjectStores.open(APPEND_PATH, s3.settings())) {
        Eventually.holds("a delivery of per_player uploaded its file and waits to commit", Duration.ofSeconds(30), () -> {
          long next = count(url, pendingRefresh);
          return next > 0 && store.size(String.format("per_player_r%012d.parquet", next)).isPresent();
        });
      }
      pending = count(url, pendingRefresh);
      node.kill();
      Eventually.holds("the node is gone", Duration.ofSeconds(20), () -> !node.running());
      blocker.rollback();
    }
    node = startNode(url);
    Eventually.holds("refresh " + pending + " is delivered after the restart", Duration.ofSeconds(60),
        () -> count(url, "SELECT count(*) FROM pgtrickle.pgt_ducklake_provenance WHERE refresh_id = " + pending) == 1);
  }
}
