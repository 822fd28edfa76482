package dev.trickle.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input to the SQL API gets a clear error naming the cause, and changes nothing. */
class SqlApiBadInputTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  @BeforeEach
  void reset() {
    db.execute(CatalogTesting.DROP_ALL_STREAM_TABLES,
        "DROP TABLE IF EXISTS orders, victim",
        "CREATE TABLE orders (id int, region text, amount int)",
        "CREATE TABLE victim (x int)",
        "INSERT INTO orders VALUES (1, 'north', 10), (2, 'south', 20)");
  }

  /** Everything a failed call must leave untouched. */
  private static List<List<Object>> state() {
    return db.query("SELECT (SELECT count(*) FROM pgtrickle.pgt_stream_tables), "
        + "(SELECT count(*) FROM pgtrickle.pgt_dependencies), (SELECT count(*) FROM pgtrickle.pgt_change_tracking), "
        + "(SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace), "
        + "(SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal), to_regclass('victim') IS NOT NULL");
  }

  private static void assertRejected(String sql, String expectedMessagePart) {
    List<List<Object>> before = state();
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> db.execute(sql));
    String firstLine = error.getMessage().lines().findFirst().orElse("");
    assertTrue(firstLine.contains(expectedMessagePart), () -> "'" + firstLine + "' should contain '" + expectedMessagePart + "'");
    assertEquals(before, state(), "nothing may change after: " + sql);
  }

  private static String create(String name, String query) {
    return "SELECT pgtrickle.create_stream_table(" + name + ", " + query + ", '1m', 'FULL')";
  }

  @Test
  void shouldRejectInvalidSql() {
    assertRejected(create("'t'", "'SELEC region FROM orders'"), "syntax error");
    assertRejected(create("'t'", "''"), "defining query must not be empty");
  }

  @Test
  void shouldRejectStatementsOtherThanSelect() {
    assertRejected(create("'t'", "'DELETE FROM orders'"), "must be a SELECT statement, got DELETE");
    assertRejected(create("'t'", "'WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d'"), "data-modifying");
  }

  @Test
  void shouldRejectInjectedStatementsInTheQuery() {
    assertRejected(create("'t'", "'SELECT 1 AS x; DROP TABLE victim'"), "syntax error at or near \";\"");
    assertRejected(create("'t'", "'SELECT 1 AS x) q; DROP TABLE victim; --'"), "syntax error");
    assertRejected(create("'t'", "'SELECT 1 AS x) q; DROP TABLE victim; SELECT * FROM (SELECT 1'"),
        "single SELECT statement");
  }

  @Test
  void shouldAcceptATrailingSemicolon() {
    db.execute(create("'t'", "'SELECT region FROM orders; '"), "SELECT pgtrickle.refresh_stream_table('t')");
    assertEquals("SELECT region FROM orders; ", db.queryValue("SELECT original_query FROM pgtrickle.pgt_stream_tables"));
    String deparsed = (String) db.queryValue("SELECT defining_query FROM pgtrickle.pgt_stream_tables");
    assertTrue(deparsed.matches("SELECT (orders\\.)?region\n   FROM public\\.orders"),
        "deparsed and schema-qualified (PostgreSQL 15 also qualifies the column): " + deparsed);
  }

  @Test
  void shouldRejectUnknownSourcesAndColumns() {
    assertRejected(create("'t'", "'SELECT * FROM no_such_table'"), "relation \"no_such_table\" does not exist");
    assertRejected(create("'t'", "'SELECT nope FROM orders'"), "column \"nope\" does not exist");
  }

  @Test
  void shouldRejectDuplicateNames() {
    db.execute(create("'t'", "'SELECT region FROM orders'"));
    assertRejected(create("'t'", "'SELECT id FROM orders'"), "stream table public.t already exists");
    assertRejected(create("'orders'", "'SELECT id FROM victim'"), "a relation with that name already exists");
  }

  @Test
  void shouldRejectUnnamedOrReservedColumns() {
    assertRejected(create("'t'", "'SELECT id, id FROM orders'"), "specified more than once");
    assertRejected(create("'t'", "'SELECT id AS __pgt_row_id FROM orders'"), "reserved");
  }

  @Test
  void shouldRejectCycles() {
    db.execute(create("'a'", "'SELECT region, amount FROM orders'"), create("'b'", "'SELECT region, amount FROM a'"));
    assertRejected("SELECT pgtrickle.alter_stream_table('a', query => 'SELECT region, amount FROM b')",
        "would depend on itself");
    assertRejected("SELECT pgtrickle.alter_stream_table('a', query => 'SELECT region, amount FROM a')",
        "would depend on itself");
  }

  @Test
  void shouldRefuseToDropAStreamTableOthersReadWithoutCascade() {
    db.execute(create("'a'", "'SELECT region, amount FROM orders'"), create("'b'", "'SELECT count(*) AS n FROM a'"));
    assertRejected("SELECT pgtrickle.drop_stream_table('a')", "stream tables public.b depend on it");
    db.execute("SELECT pgtrickle.drop_stream_table('a', cascade => true)");
    assertEquals(0, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables"));
  }

  @Test
  void shouldHandleNamesThatNeedQuoting() {
    db.execute(create("'\"Top Players\"'", "'SELECT region, sum(amount) AS total FROM orders GROUP BY region'"),
        "INSERT INTO orders VALUES (3, 'north', 5)",
        "SELECT pgtrickle.refresh_stream_table('\"Top Players\"')");
    assertEquals(15, db.queryLong("SELECT total FROM \"Top Players\" WHERE region = 'north'"));
    assertEquals("public.\"Top Players\"", db.queryValue("SELECT name FROM pgtrickle.pgt_status()"));
    assertRejected(create("'Top Players'", "'SELECT 1 AS x'"), "not a valid SQL identifier");
    db.execute("SELECT pgtrickle.drop_stream_table('\"Top Players\"')");
  }

  @Test
  void shouldRejectInjectionAttemptsInNames() {
    assertRejected(create("'x; DROP TABLE victim'", "'SELECT 1 AS x'"), "not a valid SQL identifier");
    assertRejected(create("'x\"; DROP TABLE victim; --'", "'SELECT 1 AS x'"), "not a valid SQL identifier");
    assertRejected(create("'a.b.c.d'", "'SELECT 1 AS x'"), "use name or schema.name");
    assertRejected(create("'missing_schema.t'", "'SELECT 1 AS x'"), "schema missing_schema does not exist");
    assertRejected("SELECT pgtrickle.refresh_stream_table('victim; DROP TABLE victim')", "not a valid SQL identifier");
    assertRejected("SELECT pgtrickle.drop_stream_table('victim')", "stream table 'victim' does not exist");
  }

  @Test
  void shouldRejectBadSchedulesAndModes() {
    assertRejected("SELECT pgtrickle.create_stream_table('t', 'SELECT 1 AS x', '5 seconds')", "invalid schedule");
    assertRejected("SELECT pgtrickle.create_stream_table('t', 'SELECT 1 AS x', '0s')", "out of range");
    assertRejected("SELECT pgtrickle.create_stream_table('t', 'SELECT 1 AS x', '61 * * * *')", "minute value 61 is out of range");
    assertRejected("SELECT pgtrickle.create_stream_table('t', 'SELECT 1 AS x', '* * * * MON-FOO')", "day-of-week value 'FOO'");
    assertRejected("SELECT pgtrickle.create_stream_table('t', 'SELECT 1 AS x', '1m', 'FAST')", "invalid refresh mode 'FAST'");
  }

  @Test
  void shouldAcceptWellFormedSchedules() {
    for (String schedule : List.of("500ms", "5s", "1h30m", "calculated", "*/5 * * * *", "0 */5 * * * *", "@hourly",
        "0 6 * * 1-5", "0 0 1 JAN,JUL ?")) {
      db.execute("SELECT pgtrickle.create_stream_table('t', 'SELECT 1 AS x', '" + schedule + "')",
          "SELECT pgtrickle.drop_stream_table('t')");
    }
  }

  @Test
  void shouldRejectTemporaryAndCatalogSources() {
    assertRejected("CREATE TEMP TABLE scratch (x int); " + create("'t'", "'SELECT x FROM scratch'"), "temporary relation");
    assertRejected(create("'t'", "'SELECT relname FROM pg_class'"), "cannot read pg_class");
  }

  @Test
  void shouldProtectStorageFromDirectWrites() {
    db.execute(create("'t'", "'SELECT id, amount FROM orders'"));
    assertRejected("INSERT INTO t (__pgt_row_id, id, amount) VALUES (1, 1, 1)", "cannot insert stream table public.t");
    assertRejected("DELETE FROM t", "cannot delete stream table public.t");
    assertRejected("TRUNCATE t", "cannot truncate stream table public.t");
  }

  @Test
  void shouldRefuseToRefreshSuspendedTables() {
    db.execute(create("'t'", "'SELECT id FROM orders'"), "SELECT pgtrickle.alter_stream_table('t', status => 'suspended')");
    assertRejected("SELECT pgtrickle.refresh_stream_table('t')", "is suspended");
    assertRejected("SELECT pgtrickle.alter_stream_table('t', status => 'ERROR')", "invalid status 'ERROR'");
    db.execute("SELECT pgtrickle.resume_stream_table('t')", "SELECT pgtrickle.refresh_stream_table('t')");
  }

  private static String withSink(String sinkArguments) {
    return "SELECT pgtrickle.create_stream_table('t', 'SELECT region, amount FROM orders', '1m', 'FULL', " + sinkArguments + ")";
  }

  @Test
  void shouldRejectBadSinkSettings() {
    assertRejected(withSink("sink => 'iceberg', ducklake_sink_path => 's3://lake/t/'"), "invalid sink 'iceberg'");
    assertRejected(withSink("sink => 'ducklake'"), "needs ducklake_sink_path");
    assertRejected(withSink("ducklake_sink_path => 's3://lake/t/'"), "need sink => 'ducklake'");
    assertRejected(withSink("sink => 'ducklake', ducklake_sink_path => 'http://lake/t/'"), "invalid ducklake_sink_path");
    assertRejected(withSink("sink => 'ducklake', ducklake_sink_path => 's3://Lake/t/'"), "invalid ducklake_sink_path");
    assertRejected(withSink("sink => 'ducklake', ducklake_sink_path => 'file:///tmp/../etc/'"), "invalid ducklake_sink_path");
    assertRejected(withSink("sink => 'ducklake', ducklake_sink_path => 's3://lake//t/'"), "invalid ducklake_sink_path");
    assertRejected(withSink("sink => 'ducklake', ducklake_sink_path => 's3://lake/t/', ducklake_sink_mode => 'upsert'"),
        "invalid ducklake_sink_mode 'upsert'");
    assertRejected(withSink("sink => 'ducklake', ducklake_sink_path => 's3://lake/t/', ducklake_catalog_schema => 'pgtrickle'"),
        "invalid ducklake_catalog_schema");
  }

  @Test
  void shouldRefuseSinkChangesThatWouldLoseItsTable() {
    db.execute(withSink("sink => 'ducklake', ducklake_sink_path => 's3://lake/t/'"));
    assertRejected("SELECT pgtrickle.alter_stream_table('t', sink => 'ducklake', ducklake_sink_path => 's3://lake/other/')",
        "already has a DuckLake sink");
    assertRejected("SELECT pgtrickle.alter_stream_table('t', query => 'SELECT region FROM orders')",
        "cannot change the columns of stream table public.t: it has a sink");
    assertRejected("SELECT pgtrickle.alter_stream_table('t', ducklake_sink_mode => 'mirror')", "need sink => 'ducklake'");
    db.execute("SELECT pgtrickle.alter_stream_table('t', sink => 'none')");
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_sinks"));
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_change_tracking WHERE source_type = 'STREAM_TABLE'"),
        "the stream table's buffer goes with its last consumer");
  }

  @Test
  void shouldRejectMissingArgumentsAndOverlongNames() {
    assertRejected("SELECT pgtrickle.create_stream_table(NULL, 'SELECT 1 AS x')", "name");
    assertRejected("SELECT pgtrickle.create_stream_table('t', NULL)", "defining query must not be empty");
    assertRejected("SELECT pgtrickle.create_stream_table('t', 'SELECT 1 AS x', NULL)", "schedule must not be empty");
    assertRejected(create("'" + "n".repeat(64) + "'", "'SELECT 1 AS x'"), "each part must be 1 to 63 bytes long");
    assertRejected("SELECT pgtrickle.refresh_stream_table(NULL)", "name");
    assertRejected("SELECT pgtrickle.alter_stream_table('t', schedule => '1s')", "stream table 't' does not exist");
  }

  @Test
  void shouldServeUnicodeNamesAndColumns() {
    db.execute(create("'\"Ränge 📈\"'", "'SELECT region AS \"größe\", sum(amount) AS \"Σ\" FROM orders GROUP BY region'"),
        "INSERT INTO orders VALUES (3, 'north', 5)", "SELECT pgtrickle.refresh_stream_table('\"Ränge 📈\"')");
    assertEquals(15L, db.queryLong("SELECT \"Σ\" FROM \"Ränge 📈\" WHERE \"größe\" = 'north'"));
    db.execute(create("'größe'", "'SELECT id FROM orders'"));
    assertEquals(List.of(List.of("public.\"Ränge 📈\""), List.of("public.\"größe\"")),
        db.query("SELECT name FROM pgtrickle.pgt_status() ORDER BY name"));
  }

  @Test
  void shouldTakeAnEnormousQuery() {
    String list = IntStream.rangeClosed(1, 20_000).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    db.execute(create("'t'", "'SELECT id, amount FROM orders WHERE id IN (" + list + ")'"),
        "INSERT INTO orders VALUES (3, 'east', 5), (30000, 'west', 1)", "SELECT pgtrickle.refresh_stream_table('t')");
    assertEquals(3L, db.queryLong("SELECT count(*) FROM t"));
    assertTrue(((String) db.queryValue("SELECT defining_query FROM pgtrickle.pgt_stream_tables")).length() > 100_000);
  }

  @Test
  void shouldRejectInjectionInEveryParameter() {
    String injection = "x''; DROP TABLE victim; --";
    assertRejected("SELECT pgtrickle.create_stream_table('t', 'SELECT 1 AS x', '" + injection + "')",
        "invalid cron expression");
    assertRejected("SELECT pgtrickle.create_stream_table('t', 'SELECT 1 AS x', '1m', '" + injection + "')",
        "invalid refresh mode");
    assertRejected("SELECT pgtrickle.create_stream_table('t', 'SELECT 1 AS x', '1m', 'FULL', true, '" + injection + "')",
        "diamond_consistency");
    assertRejected(withSink("sink => 'ducklake', ducklake_sink_path => 's3://lake/" + injection + "/'"),
        "invalid ducklake_sink_path");
    assertRejected(withSink("sink => 'ducklake', ducklake_sink_path => 's3://lake/t/', ducklake_catalog_schema => '"
        + injection + "'"), "invalid ducklake_catalog_schema");
    db.execute(create("'t'", "'SELECT id FROM orders'"));
    assertRejected("SELECT pgtrickle.alter_stream_table('t', status => '" + injection + "')", "invalid status");
    assertRejected("SELECT pgtrickle.alter_stream_table('" + injection + "', schedule => '1s')", "not a valid SQL identifier");
    assertRejected("SELECT pgtrickle.drop_stream_table('t; DROP TABLE victim')", "not a valid SQL identifier");
    assertRejected("SELECT pgtrickle.resume_stream_table('t')", "is not suspended");
  }

  @Test
  void shouldLetADropWaitForARefreshInProgress() throws Exception {
    db.execute(create("'t'", "'SELECT id, amount FROM orders'"), "INSERT INTO orders VALUES (3, 'east', 5)");
    try (Connection refreshing = db.connect(); Connection dropping = db.connect();
        Statement refresh = refreshing.createStatement(); Statement drop = dropping.createStatement()) {
      refreshing.setAutoCommit(false);
      refresh.execute("SELECT pgtrickle.refresh_stream_table('t')");
      drop.execute("SET lock_timeout = '500ms'");
      SQLException waited = assertThrows(SQLException.class, () -> drop.execute("SELECT pgtrickle.drop_stream_table('t')"));
      assertTrue(waited.getMessage().contains("lock timeout"), "the drop waits for the refresh: " + waited.getMessage());
      refreshing.commit();
      drop.execute("SET lock_timeout = 0");
      drop.execute("SELECT pgtrickle.drop_stream_table('t')");
    }
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables"));
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_change_tracking"));
    assertEquals(null, db.queryValue("SELECT to_regclass('public.t')"));
  }
}
