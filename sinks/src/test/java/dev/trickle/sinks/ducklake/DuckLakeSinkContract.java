package dev.trickle.sinks.ducklake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.catalog.CatalogException;
import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.sinks.store.ObjectStore;
import dev.trickle.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DuckLake sink against random changes, with PostgreSQL as the oracle: the stream table's
 * contents after each refresh are kept, and DuckDB must read the same from the sink's files.
 * Each object store runs the same tests.
 */
abstract class DuckLakeSinkContract {
  @RegisterExtension static final TestDatabase db = TestDatabase.create().withSetup(CatalogInstaller::install);

  private static final String COLUMNS = "player, total, plays, last_day, label";

  @TempDir Path work;
  @TempDir Path downloads;

  /** The sink path of a fresh, empty place in the store under test. */
  abstract String sinkPath();

  abstract ObjectStore openStore(String sinkPath);

  private String sinkPath;

  /** A local copy of the object under {@code key}, for DuckDB to read. */
  private String local(String key) throws IOException {
    Path copy = downloads.resolve(key);
    if (!Files.exists(copy)) {
      try (ObjectStore store = openStore(sinkPath)) {
        Files.write(copy, store.get(key));
      }
    }
    return copy.toString();
  }

  @BeforeEach
  void reset() {
    db.execute("SELECT pgtrickle.drop_stream_table(pgtrickle._display_name(st)) FROM pgtrickle.pgt_stream_tables st",
        "DROP SCHEMA IF EXISTS ducklake CASCADE", "TRUNCATE pgtrickle.pgt_ducklake_provenance",
        "DROP TABLE IF EXISTS scores",
        "CREATE TABLE scores (id serial PRIMARY KEY, player int NOT NULL, score int NOT NULL, day date NOT NULL)");
    sinkPath = sinkPath();
  }

  private void createStreamTable(String mode) {
    db.execute("SELECT pgtrickle.create_stream_table('per_player', 'SELECT player, sum(score) AS total, count(*) AS plays, "
        + "max(day) AS last_day, ''p'' || player AS label FROM scores GROUP BY player', '1h', 'FULL', "
        + "sink => 'ducklake', ducklake_sink_path => '" + sinkPath + "', ducklake_sink_mode => '" + mode + "')");
  }

  private SinkDelivery delivery() {
    return new SinkDelivery(db.url()::connect, this::openStore, work);
  }

  private long pgtId() {
    return db.queryLong("SELECT pgt_id FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'per_player'");
  }

  /** Random inserts, updates and deletes on 20 players. */
  private static void changeScores(Random random) {
    List<String> statements = new ArrayList<>();
    for (int i = 0; i < 1 + random.nextInt(6); i++) {
      int player = random.nextInt(20);
      switch (random.nextInt(4)) {
        case 0: case 1:
          statements.add("INSERT INTO scores (player, score, day) VALUES (" + player + ", " + random.nextInt(100)
              + ", DATE '2026-01-01' + " + random.nextInt(300) + ")");
          break;
        case 2:
          statements.add("UPDATE scores SET score = score + 1 WHERE player = " + player);
          break;
        default:
          statements.add("DELETE FROM scores WHERE player = " + player);
      }
    }
    db.execute(statements.toArray(String[]::new));
  }

  /** The stream table's rows, as sorted text, after each refresh that changed it, by refresh id. */
  private static void refreshAndRemember(Map<Long, List<String>> expected) {
    db.execute("SELECT pgtrickle.refresh_stream_table('per_player')");
    long refreshId = db.queryLong("SELECT max(refresh_id) FROM pgtrickle.pgt_refresh_history");
    List<String> rows = new ArrayList<>();
    for (List<Object> row : db.query("SELECT concat_ws('|', " + COLUMNS + ") FROM per_player ORDER BY 1")) {
      rows.add((String) row.get(0));
    }
    expected.put(refreshId, rows);
  }

  private void deliverAll() throws SQLException {
    SinkDelivery delivery = delivery();
    while (delivery.deliverNext(pgtId()).isPresent()) {
      continue;
    }
  }

  private static List<List<Object>> provenance() {
    return db.query("SELECT refresh_id, ducklake_snapshot_id, file_path, delta_row_count FROM "
        + "pgtrickle.pgt_ducklake_provenance ORDER BY refresh_id");
  }

  private static void assertConforms() throws SQLException {
    try (Connection connection = db.connect()) {
      assertEquals(List.of(), DuckLakeConformance.violations(connection, "ducklake"));
    }
  }

  @Test
  void appendModeDeltasReplayedInRefreshOrderReproduceTheStreamTable() throws Exception {
    createStreamTable("append");
    Map<Long, List<String>> expected = new TreeMap<>();
    expected.put(db.queryLong("SELECT coalesce(max(refresh_id), 0) FROM pgtrickle.pgt_refresh_history"), List.of());
    Random random = new Random(7);
    for (int round = 0; round < 12; round++) {
      changeScores(random);
      refreshAndRemember(expected);
      if (round % 3 == 2) {
        deliverAll();
      }
    }
    deliverAll();
    Map<Long, String> state = new HashMap<>();
    List<List<Object>> delivered = provenance();
    assertTrue(delivered.size() >= 8, "most refreshes changed rows: " + delivered.size());
    for (List<Object> file : delivered) {
      long refreshId = (Long) file.get(0);
      String path = local(((String) file.get(2)).substring(sinkPath.length()));
      List<String> rows = DuckDbQueries.firstColumn("SELECT concat_ws('#', __pgt_op, __pgt_row_id, __pgt_refresh_id, "
          + "concat_ws('|', " + COLUMNS + ")) FROM read_parquet('" + path + "') ORDER BY __pgt_op, __pgt_row_id");
      assertEquals(file.get(3), (long) rows.size(), "delta_row_count of refresh " + refreshId);
      for (String row : rows) {
        String[] parts = row.split("#", 4);
        assertEquals(String.valueOf(refreshId), parts[2]);
        if (parts[0].equals("D")) {
          assertTrue(state.remove(Long.valueOf(parts[1])) != null, "a delete of a row the log holds: " + row);
        } else {
          assertTrue(state.put(Long.valueOf(parts[1]), parts[3]) == null, "an insert of a new row: " + row);
        }
      }
      assertEquals(expected.get(refreshId), state.values().stream().sorted().toList(), "after refresh " + refreshId);
    }
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle_changes.changes_"
        + db.queryLong("SELECT 'per_player'::regclass::oid")), "the buffer is trimmed once delivered");
    assertConforms();
  }

  @Test
  void mirrorModeSnapshotsEqualTheStreamTableAsOfEachRefresh() throws Exception {
    createStreamTable("mirror");
    Map<Long, List<String>> expected = new TreeMap<>();
    Random random = new Random(11);
    for (int round = 0; round < 15; round++) {
      changeScores(random);
      refreshAndRemember(expected);
      if (round % 2 == 1) {
        deliverAll();
      }
    }
    deliverAll();
    List<List<Object>> delivered = provenance();
    assertTrue(delivered.size() >= 8, "most refreshes changed rows: " + delivered.size());
    for (List<Object> snapshot : delivered) {
      assertEquals(expected.get((Long) snapshot.get(0)), mirrorAt((Long) snapshot.get(1)),
          "DuckLake snapshot " + snapshot.get(1) + " = stream table after refresh " + snapshot.get(0));
    }
    assertConforms();
  }

  @Test
  void addingASinkToAPopulatedStreamTableDeliversItsContentsFirst() throws Exception {
    db.execute("INSERT INTO scores (player, score, day) SELECT g % 5, g, DATE '2026-03-01' FROM generate_series(1, 40) g",
        "SELECT pgtrickle.create_stream_table('per_player', 'SELECT player, sum(score) AS total, count(*) AS plays, "
            + "max(day) AS last_day, ''p'' || player AS label FROM scores GROUP BY player', '1h', 'FULL')",
        "SELECT pgtrickle.alter_stream_table('per_player', sink => 'ducklake', ducklake_sink_path => '" + sinkPath
            + "', ducklake_sink_mode => 'mirror')");
    Map<Long, List<String>> expected = new TreeMap<>();
    db.execute("UPDATE scores SET score = 0 WHERE player = 3");
    refreshAndRemember(expected);
    deliverAll();
    List<List<Object>> delivered = provenance();
    assertEquals(2, delivered.size(), "the current contents, then the refresh");
    assertEquals(5L, delivered.get(0).get(3));
    assertEquals(expected.values().iterator().next(), mirrorAt((Long) delivered.get(1).get(1)));
    assertEquals(List.of(List.of(0L, 0L, "FULL")), db.query("SELECT pending_refreshes, pending_rows, "
        + "(SELECT action FROM pgtrickle.pgt_refresh_history WHERE refresh_id = " + delivered.get(0).get(0)
        + ") FROM pgtrickle.sink_status()"));
    assertConforms();
  }

  @Test
  void aSecondDeliveryOfTheSameRefreshCommitsNothing() throws Exception {
    createStreamTable("append");
    db.execute("INSERT INTO scores (player, score, day) VALUES (1, 5, DATE '2026-01-01')");
    db.execute("SELECT pgtrickle.refresh_stream_table('per_player')");
    SinkDelivery first = delivery();
    Optional<Delivery> delivered = first.deliverNext(pgtId());
    assertTrue(delivered.isPresent());
    db.execute("UPDATE pgtrickle.pgt_sinks SET delivered_refresh_id = 0");
    db.execute("SELECT pgtrickle._trim_changes('per_player'::regclass)");
    assertEquals(1, provenance().size());
    assertThrowsUniqueViolation(first);
    String key = (String) db.queryValue("SELECT path FROM ducklake.ducklake_data_file");
    assertEquals(List.of("1|5|1|2026-01-01|p1"), DuckDbQueries.firstColumn("SELECT concat_ws('|', " + COLUMNS
        + ") FROM read_parquet('" + local(key) + "')"), "the delivered file is left as it was");
  }

  @Test
  void aDeliveryWaitsForOneInProgressAndThenWritesNothing() throws Exception {
    createStreamTable("append");
    db.execute("INSERT INTO scores (player, score, day) VALUES (2, 7, DATE '2026-01-02')");
    db.execute("SELECT pgtrickle.refresh_stream_table('per_player')");
    try (Connection other = db.connect()) {
      other.setAutoCommit(false);
      try (Statement statement = other.createStatement()) {
        statement.execute("SELECT 1 FROM pgtrickle.pgt_sinks FOR UPDATE");
      }
      CompletableFuture<Optional<Delivery>> waiting = CompletableFuture.supplyAsync(() -> delivery().deliverNext(pgtId()));
      Thread.sleep(500);
      assertFalse(waiting.isDone(), "a second delivery waits for the sink's lock");
      try (Statement statement = other.createStatement()) {
        statement.execute("UPDATE pgtrickle.pgt_sinks SET delivered_refresh_id = delivered_refresh_id + 1000");
      }
      other.commit();
      assertEquals(Optional.empty(), waiting.get(30, TimeUnit.SECONDS), "it finds the frontier moved and stops");
    }
    assertEquals(0, provenance().size());
    try (ObjectStore store = openStore(sinkPath)) {
      assertEquals(List.of(), store.list(""), "nothing was written");
    }
  }

  private void assertThrowsUniqueViolation(SinkDelivery delivery) {
    try {
      Optional<Delivery> again = delivery.deliverNext(pgtId());
      assertEquals(Optional.empty(), again, "the buffer no longer holds the delivered refresh");
    } catch (CatalogException e) {
      assertEquals("23505", e.sqlState(), "provenance refuses a second delivery: " + e.getMessage());
    }
    assertEquals(1, provenance().size());
  }

  /** The mirror table's rows at a snapshot: live data files minus the positions their live delete files name. */
  private List<String> mirrorAt(long snapshot) throws SQLException, IOException {
    List<List<Object>> files = db.query("SELECT f.path, d.path FROM ducklake.ducklake_data_file f "
        + "LEFT JOIN ducklake.ducklake_delete_file d ON d.data_file_id = f.data_file_id AND d.begin_snapshot <= " + snapshot
        + " AND (d.end_snapshot IS NULL OR d.end_snapshot > " + snapshot + ") WHERE f.begin_snapshot <= " + snapshot
        + " AND (f.end_snapshot IS NULL OR f.end_snapshot > " + snapshot + ")");
    List<String> rows = new ArrayList<>();
    for (List<Object> file : files) {
      String data = local((String) file.get(0));
      String deletes = file.get(1) == null ? null : local((String) file.get(1));
      rows.addAll(DuckDbQueries.firstColumn("SELECT concat_ws('|', " + COLUMNS + ") FROM read_parquet('" + data
          + "', file_row_number = true) WHERE __pgt_op = 'I'"
          + (deletes == null ? "" : " AND file_row_number NOT IN (SELECT pos FROM read_parquet('" + deletes + "'))")));
    }
    rows.sort(null);
    return rows;
  }
}
