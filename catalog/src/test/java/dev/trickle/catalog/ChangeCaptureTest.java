package dev.trickle.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trickle.testkit.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Statement-level capture into shared, trimmed change buffers. */
class ChangeCaptureTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  @BeforeEach
  void reset() {
    db.execute(CatalogTesting.DROP_ALL_STREAM_TABLES,
        "DROP TABLE IF EXISTS game_scores, sales",
        "CREATE TABLE game_scores (score_id bigserial PRIMARY KEY, player_id int, player_name text, game_id int, "
            + "score int, scored_at timestamptz DEFAULT now())",
        "CREATE TABLE sales (day int, shop int, amount int) PARTITION BY RANGE (day)",
        "CREATE TABLE sales_1 PARTITION OF sales FOR VALUES FROM (1) TO (16)",
        "CREATE TABLE sales_2 PARTITION OF sales FOR VALUES FROM (16) TO (32)");
  }

  private static String buffer(String source) {
    return "pgtrickle_changes.changes_" + db.queryLong("SELECT '" + source + "'::regclass::oid");
  }

  private static List<List<Object>> bufferColumns(String source) {
    return db.query("SELECT attname FROM pg_attribute WHERE attrelid = '" + buffer(source)
        + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
  }

  @Test
  void shouldCaptureOnlyTheColumnsStreamTablesReadAndTheKey() {
    db.execute("SELECT pgtrickle.create_stream_table('per_player', "
        + "'SELECT player_id, sum(score) AS total FROM game_scores GROUP BY player_id', '1m', 'FULL')");
    assertEquals(List.of(List.of("__pgt_xid"), List.of("__pgt_seq"), List.of("__pgt_op"), List.of("score_id"), List.of("player_id"),
        List.of("score")), bufferColumns("game_scores"));

    db.execute("SELECT pgtrickle.create_stream_table('per_game', "
        + "'SELECT game_id, count(*) AS plays FROM game_scores GROUP BY game_id', '1m', 'FULL')");
    assertEquals(List.of(List.of("__pgt_xid"), List.of("__pgt_seq"), List.of("__pgt_op"), List.of("score_id"), List.of("player_id"),
        List.of("score"), List.of("game_id")), bufferColumns("game_scores"));
  }

  @Test
  void shouldWriteOneImagePerRowAndUpdatesAsDeleteAndInsert() {
    db.execute("SELECT pgtrickle.create_stream_table('scores', 'SELECT player_id, score FROM game_scores', '1m', 'FULL')",
        "INSERT INTO game_scores (player_id, score) SELECT g, g FROM generate_series(1, 3) g",
        "UPDATE game_scores SET score = score + 1 WHERE player_id = 1",
        "DELETE FROM game_scores WHERE player_id = 2",
        "TRUNCATE game_scores");
    assertEquals(List.of(List.of("I", 3L), List.of("D", 1L), List.of("I", 1L), List.of("D", 1L), List.of("T", 1L)),
        db.query("SELECT __pgt_op::text, count(*) FROM " + buffer("game_scores")
            + " GROUP BY __pgt_xid, __pgt_op ORDER BY __pgt_xid, __pgt_op"));
  }

  @Test
  void shouldCaptureStatementsOnAPartitionedTableAndOnItsPartitionsOnce() {
    db.execute("SELECT pgtrickle.create_stream_table('daily', 'SELECT day, sum(amount) AS amount FROM sales GROUP BY day', '1m', 'FULL')",
        "INSERT INTO sales VALUES (1, 1, 10), (20, 1, 20)",
        "INSERT INTO sales_2 VALUES (21, 2, 5)",
        "UPDATE sales_1 SET amount = 11");
    assertEquals(5, db.queryLong("SELECT count(*) FROM " + buffer("sales")));
    db.execute("SELECT pgtrickle.refresh_stream_table('daily')");
    CatalogTesting.assertMatchesQuery(db, "daily", "partitioned source");
  }

  @Test
  void shouldTrimChangesOnceEveryConsumerHasPassedThem() {
    db.execute("SELECT pgtrickle.create_stream_table('a', 'SELECT player_id FROM game_scores', '1m', 'FULL')",
        "SELECT pgtrickle.create_stream_table('b', 'SELECT score FROM game_scores', '1m', 'FULL')",
        "INSERT INTO game_scores (player_id, score) VALUES (1, 1), (2, 2)",
        "SELECT pgtrickle.refresh_stream_table('a')");
    assertEquals(2, db.queryLong("SELECT count(*) FROM " + buffer("game_scores")), "b has not consumed them");
    db.execute("SELECT pgtrickle.refresh_stream_table('b')", "SELECT pgtrickle.refresh_stream_table('a')");
    assertEquals(0, db.queryLong("SELECT count(*) FROM " + buffer("game_scores")));
    db.execute("INSERT INTO game_scores (player_id, score) VALUES (3, 3)", "SELECT pgtrickle.refresh_stream_table('a')");
    assertEquals(1, db.queryLong("SELECT count(*) FROM " + buffer("game_scores")), "b has not consumed it");
    db.execute("SELECT pgtrickle.refresh_stream_table('b')");
    assertEquals(0, db.queryLong("SELECT count(*) FROM " + buffer("game_scores")), "b moved the oldest frontier on");
  }

  @Test
  void shouldRemoveCaptureWhenTheLastConsumerIsDropped() {
    db.execute("SELECT pgtrickle.create_stream_table('a', 'SELECT player_id FROM game_scores', '1m', 'FULL')",
        "SELECT pgtrickle.create_stream_table('b', 'SELECT count(*) AS n FROM a', '1m', 'FULL')");
    long source = db.queryLong("SELECT 'game_scores'::regclass::oid");
    long streamTable = db.queryLong("SELECT 'a'::regclass::oid");
    db.execute("SELECT pgtrickle.drop_stream_table('b')");
    assertNull(db.queryValue("SELECT to_regclass('pgtrickle_changes.changes_" + streamTable + "')"));
    assertEquals(4, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = " + source + " AND tgname LIKE 'pgtrickle_cdc_%'"));
    db.execute("SELECT pgtrickle.drop_stream_table('a')");
    assertEquals(0, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = " + source + " AND tgname LIKE 'pgtrickle_cdc_%'"));
    assertNull(db.queryValue("SELECT to_regclass('pgtrickle_changes.changes_" + source + "')"));
    assertEquals(0, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_change_tracking"));
  }

  @Test
  void shouldFindSourcesWithQuotedNamesThroughTheSearchPath() {
    db.execute("DROP SCHEMA IF EXISTS \"Sales\" CASCADE",
        "CREATE SCHEMA \"Sales\"",
        "CREATE TABLE \"Sales\".\"Order Lines\" (\"Order Id\" int, qty int)",
        "CREATE TABLE public.\"Order Lines\" (unrelated text)",
        "INSERT INTO \"Sales\".\"Order Lines\" VALUES (1, 2), (1, 3)",
        "SET search_path = \"Sales\", public; "
            + "SELECT pgtrickle.create_stream_table('public.order_qty', "
            + "'SELECT \"Order Id\", sum(qty) AS qty FROM \"Order Lines\" GROUP BY 1', '1m', 'FULL')");
    assertEquals(List.of(List.of("Sales", "Order Lines", "TABLE", "{\"Order Id\",qty}")),
        db.query("SELECT n.nspname::text, c.relname::text, d.source_type, d.columns_used::text "
            + "FROM pgtrickle.pgt_dependencies d JOIN pg_class c ON c.oid = d.source_relid "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace"));
    db.execute("INSERT INTO \"Sales\".\"Order Lines\" VALUES (1, 5)", "SELECT pgtrickle.refresh_stream_table('order_qty')");
    assertEquals(10, db.queryLong("SELECT qty FROM order_qty"));
    db.execute("SELECT pgtrickle.drop_stream_table('order_qty')", "DROP SCHEMA \"Sales\" CASCADE",
        "DROP TABLE public.\"Order Lines\"");
  }

  @Test
  void shouldEmitOnlyTheRowsAFullRefreshChanged() {
    db.execute("INSERT INTO game_scores (player_id, score) SELECT g % 5, g FROM generate_series(1, 50) g",
        "SELECT pgtrickle.create_stream_table('per_player', "
            + "'SELECT player_id, sum(score) AS total FROM game_scores GROUP BY player_id', '1m', 'FULL')",
        "SELECT pgtrickle.create_stream_table('best', 'SELECT max(total) AS best FROM per_player', '1m', 'FULL')",
        "UPDATE game_scores SET score = score + 1 WHERE score_id = 3",
        "SELECT pgtrickle.refresh_stream_table('per_player')");
    assertEquals(List.of(List.of("D", 3, 255L), List.of("I", 3, 256L)),
        db.query("SELECT __pgt_op::text, player_id, total FROM " + buffer("per_player") + " ORDER BY __pgt_op"));
  }

  @Test
  void shouldCaptureWritesOfUsersWithoutAccessToTheBuffers() {
    db.execute("SELECT pgtrickle.create_stream_table('per_player', "
            + "'SELECT player_id, count(*) AS plays FROM game_scores GROUP BY player_id', '1m', 'FULL')",
        "DROP ROLE IF EXISTS game_writer",
        "CREATE ROLE game_writer",
        "GRANT INSERT, UPDATE ON game_scores TO game_writer",
        "GRANT USAGE ON SEQUENCE game_scores_score_id_seq TO game_writer",
        "SET ROLE game_writer; INSERT INTO game_scores (player_id, score) VALUES (7, 70); RESET ROLE",
        "SELECT pgtrickle.refresh_stream_table('per_player')");
    assertEquals(1, db.queryLong("SELECT plays FROM per_player WHERE player_id = 7"));
  }
}
