package dev.trickle.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.catalog.StreamTableVerifier;
import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.postgres.EmbeddedPostgres;
import dev.trickle.sinks.ducklake.DuckDbQueries;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final Pattern INTERRUPTED_UPLOAD =
      Pattern.compile("(.+\\.parquet)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

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
    assertDeliveredOnceInOrder(url, "per_player");
    assertDeliveredOnceInOrder(url, "high_scores");
    assertEquals(rows(url, "SELECT concat_ws('|', player, plays, total, best) FROM per_player"), replayAppendLog(url));
    assertEquals(rows(url, "SELECT concat_ws('|', id, player, score, note) FROM high_scores"), mirrorContents(url));
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
   * Holds per_player's sink row locked, so its next delivery uploads its file and then waits
   * to commit; kills the node there, lets the orphaned transaction end, and starts a new node,
   * which must deliver the same refresh under the same key once.
   */
  private void killBetweenUploadAndCommit(DatabaseUrl url) throws Exception {
    long pgtId = count(url, "SELECT pgt_id FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'per_player'");
    long pending;
    try (Connection blocker = url.connect()) {
      blocker.setAutoCommit(false);
      try (Statement statement = blocker.createStatement()) {
        statement.execute("SELECT 1 FROM pgtrickle.pgt_sinks WHERE pgt_id = " + pgtId + " FOR UPDATE");
      }
      Eventually.holds("a delivery of per_player waits to commit", Duration.ofSeconds(30), () -> count(url,
          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%pgt_sinks%FOR UPDATE%' "
              + "AND pid <> " + backendPid(blocker)) > 0);
      pending = count(url, "SELECT min(refresh_id) FROM pgtrickle.pgt_refresh_history WHERE pgt_id = " + pgtId
          + " AND status = 'COMPLETED' AND delta_row_count > 0 AND refresh_id > (SELECT delivered_refresh_id "
          + "FROM pgtrickle.pgt_sinks WHERE pgt_id = " + pgtId + ")");
      String key = String.format("per_player_r%012d.parquet", pending);
      try (ObjectStore store = ObjectStores.open(APPEND_PATH, s3.settings())) {
        assertTrue(store.size(key).isPresent(), "the delta of refresh " + pending + " was uploaded before the commit");
      }
      node.kill();
      Eventually.holds("the node is gone", Duration.ofSeconds(20), () -> !node.running());
      blocker.rollback();
    }
    node = startNode(url);
    Eventually.holds("refresh " + pending + " is delivered after the restart", Duration.ofSeconds(60),
        () -> count(url, "SELECT count(*) FROM pgtrickle.pgt_ducklake_provenance WHERE refresh_id = " + pending) == 1);
  }

  private static long backendPid(Connection connection) {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Provenance holds exactly the refreshes of the stream table that left a delta, each once,
   * with snapshots in refresh order; the store holds exactly the files the catalog names.
   */
  private void assertDeliveredOnceInOrder(DatabaseUrl url, String table) {
    String pgtId = "(SELECT pgt_id FROM pgtrickle.pgt_stream_tables WHERE pgt_name = '" + table + "')";
    assertEquals(rows(url, "SELECT refresh_id::text FROM pgtrickle.pgt_refresh_history WHERE pgt_id = " + pgtId
            + " AND status = 'COMPLETED' AND delta_row_count > 0"),
        rows(url, "SELECT refresh_id::text FROM pgtrickle.pgt_ducklake_provenance WHERE pgt_id = " + pgtId),
        table + ": every refresh with a delta delivered once");
    assertEquals(0, count(url, "SELECT count(*) FROM (SELECT ducklake_snapshot_id, written_at, lag(ducklake_snapshot_id) "
        + "OVER w AS previous, lag(written_at) OVER w AS previous_at FROM pgtrickle.pgt_ducklake_provenance WHERE pgt_id = "
        + pgtId + " WINDOW w AS (ORDER BY refresh_id)) p WHERE previous >= ducklake_snapshot_id OR previous_at > written_at"),
        table + ": snapshots and write times follow refresh order");
    String tableId = "(SELECT ducklake_table_id FROM pgtrickle.pgt_sinks WHERE pgt_id = " + pgtId + ")";
    List<String> named = rows(url, "SELECT path FROM ducklake.ducklake_data_file WHERE table_id = " + tableId
        + " UNION ALL SELECT path FROM ducklake.ducklake_delete_file WHERE table_id = " + tableId);
    try (ObjectStore store = ObjectStores.open(table.equals("per_player") ? APPEND_PATH : MIRROR_PATH, s3.settings())) {
      TreeSet<String> stored = new TreeSet<>(store.list(""));
      stored.removeIf(key -> isInterruptedUpload(key, named));
      assertEquals(named, new ArrayList<>(stored), table + ": the store holds the catalog's files, no more");
    }
  }

  /**
   * Whether a key is S3Proxy's own temporary file of an upload it was stopped in the middle of
   * (the outage): its file-system store writes {@code <key>-<uuid>} and renames it when the
   * upload completes. S3 never lists an incomplete upload; the key it was for must be a file the
   * catalog names (the delivery was repeated).
   */
  private static boolean isInterruptedUpload(String key, List<String> named) {
    Matcher upload = INTERRUPTED_UPLOAD.matcher(key);
    return upload.matches() && named.contains(upload.group(1));
  }

  /** The append log's deltas replayed in refresh order, read by DuckDB. */
  private List<String> replayAppendLog(DatabaseUrl url) throws Exception {
    Map<Long, String> state = new HashMap<>();
    try (ObjectStore store = ObjectStores.open(APPEND_PATH, s3.settings())) {
      for (String key : rows(url, "SELECT substr(file_path, length('" + APPEND_PATH + "') + 1) "
          + "FROM pgtrickle.pgt_ducklake_provenance p JOIN pgtrickle.pgt_stream_tables st USING (pgt_id) "
          + "WHERE st.pgt_name = 'per_player' ORDER BY refresh_id")) {
        for (String row : DuckDbQueries.firstColumn("SELECT concat_ws('#', __pgt_op, __pgt_row_id, concat_ws('|', player, plays, total, best)) "
            + "FROM read_parquet('" + download(store, key) + "') ORDER BY __pgt_op, __pgt_row_id")) {
          String[] parts = row.split("#", 3);
          if (parts[0].equals("D")) {
            state.remove(Long.valueOf(parts[1]));
          } else {
            state.put(Long.valueOf(parts[1]), parts[2]);
          }
        }
      }
    }
    return state.values().stream().sorted().toList();
  }

  /** The mirror table's live data files minus their live delete files' positions, read by DuckDB. */
  private List<String> mirrorContents(DatabaseUrl url) throws Exception {
    List<String> rows = new ArrayList<>();
    try (ObjectStore store = ObjectStores.open(MIRROR_PATH, s3.settings())) {
      for (String files : rows(url, "SELECT f.path || '#' || coalesce(d.path, '') FROM ducklake.ducklake_data_file f "
          + "JOIN pgtrickle.pgt_sinks k ON k.ducklake_table_id = f.table_id JOIN pgtrickle.pgt_stream_tables st "
          + "ON st.pgt_id = k.pgt_id AND st.pgt_name = 'high_scores' LEFT JOIN ducklake.ducklake_delete_file d "
          + "ON d.data_file_id = f.data_file_id AND d.end_snapshot IS NULL WHERE f.end_snapshot IS NULL")) {
        String[] paths = files.split("#", -1);
        rows.addAll(DuckDbQueries.firstColumn("SELECT concat_ws('|', id, player, score, note) FROM read_parquet('" + download(store, paths[0])
            + "', file_row_number = true)" + (paths[1].isEmpty() ? ""
            : " WHERE file_row_number NOT IN (SELECT pos FROM read_parquet('" + download(store, paths[1]) + "'))")));
      }
    }
    rows.sort(null);
    return rows;
  }

  private String download(ObjectStore store, String key) throws IOException {
    Path copy = downloads.resolve(key);
    Files.write(copy, store.get(key));
    return copy.toString();
  }

  private static void execute(DatabaseUrl url, String... statements) throws SQLException {
    try (Connection connection = url.connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /** The sorted first column of a query's rows, as text. */
  private static List<String> rows(DatabaseUrl url, String sql) {
    return query(url, sql).stream().map(row -> String.valueOf(row.get(0))).sorted().toList();
  }

  private static long count(DatabaseUrl url, String sql) {
    return Optional.ofNullable(query(url, sql).get(0).get(0)).map(value -> ((Number) value).longValue()).orElse(0L);
  }

  private static List<List<Object>> query(DatabaseUrl url, String sql) {
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
