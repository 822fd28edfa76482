package dev.trickle.catalog;

import static dev.trickle.catalog.CatalogTesting.assertMatchesQuery;
import static dev.trickle.catalog.CatalogTesting.lastAction;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.protocol.RefreshMode;
import dev.trickle.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Frontiers are snapshots: no committed change is ever skipped or consumed twice. */
class FrontierTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  @BeforeEach
  void createStreamTables() {
    db.execute(
        CatalogTesting.DROP_ALL_STREAM_TABLES,
        "DROP TABLE IF EXISTS scores",
        "CREATE TABLE scores (player int, points int)",
        "INSERT INTO scores VALUES (1, 10), (2, 20)");
    StreamTableDefinitions definitions = CatalogTesting.definitions(db);
    definitions.create(new StreamTableDefinition("totals", "SELECT player, sum(points) AS points FROM scores GROUP BY player",
        "1m", RefreshMode.DIFFERENTIAL, true));
    definitions.create(new StreamTableDefinition("grand_total", "SELECT sum(points) AS points FROM totals", "1m",
        RefreshMode.DIFFERENTIAL, true));
  }

  /**
   * With {@code behindALaterCommit}, another transaction commits before the refresh, so the
   * frontier's snapshot lists the writer among those in progress (else the writer is the newest
   * transaction, past the snapshot's xmax).
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldNotLoseAWriterThatCommitsAfterTheRefresh(boolean behindALaterCommit) throws SQLException {
    long before = behindALaterCommit ? 3 : 2;
    try (Connection writer = db.connect(); Statement write = writer.createStatement()) {
      writer.setAutoCommit(false);
      write.execute("INSERT INTO scores VALUES (3, 30)");
      if (behindALaterCommit) {
        db.execute("INSERT INTO scores VALUES (4, 40)");
      }
      db.execute("SELECT pgtrickle.refresh_stream_table('totals')");
      assertEquals(before, db.queryLong("SELECT count(*) FROM totals"));
      writer.commit();
    }
    db.execute("SELECT pgtrickle.refresh_stream_table('totals')");
    assertEquals("DIFFERENTIAL", lastAction(db, "totals"));
    assertEquals(before + 1, db.queryLong("SELECT count(*) FROM totals"));
    assertMatchesQuery(db, "totals", "after the late writer");
  }

  @Test
  void shouldNotLoseAWriterThatCommitsBeforeTheRefreshCommits() throws SQLException {
    try (Connection writer = db.connect(); Statement write = writer.createStatement();
        Connection refresher = db.connect(); Statement refresh = refresher.createStatement()) {
      writer.setAutoCommit(false);
      refresher.setAutoCommit(false);
      write.execute("INSERT INTO scores VALUES (3, 30)");
      refresh.execute("SELECT pgtrickle.refresh_stream_table('totals')");
      writer.commit();
      refresher.commit();
    }
    assertEquals(2, db.queryLong("SELECT count(*) FROM totals"));
    db.execute("SELECT pgtrickle.refresh_stream_table('totals')");
    assertEquals("DIFFERENTIAL", lastAction(db, "totals"));
    assertEquals(3, db.queryLong("SELECT count(*) FROM totals"));
  }

  @Test
  void shouldConsumeChangesMadeEarlierInTheRefreshingTransactionExactlyOnce() {
    db.execute("BEGIN; INSERT INTO scores VALUES (4, 40); SELECT pgtrickle.refresh_stream_table('totals'); COMMIT");
    assertEquals(3, db.queryLong("SELECT count(*) FROM totals"));
    db.execute("SELECT pgtrickle.refresh_stream_table('totals')");
    assertEquals("NO_DATA", lastAction(db, "totals"));
  }

  @Test
  void shouldKeepChangesMadeAfterARefreshInTheSameTransaction() {
    db.execute("BEGIN; SELECT pgtrickle.refresh_stream_table('totals'); INSERT INTO scores VALUES (5, 50); COMMIT");
    assertEquals(2, db.queryLong("SELECT count(*) FROM totals"));
    db.execute("SELECT pgtrickle.refresh_stream_table('totals')");
    assertEquals("DIFFERENTIAL", lastAction(db, "totals"));
    assertMatchesQuery(db, "totals", "after the write that followed the refresh");
  }

  @Test
  void shouldRefreshAChainInOneTransaction() {
    db.execute("BEGIN; UPDATE scores SET points = points + 1; "
        + "SELECT pgtrickle.refresh_stream_table('totals'); SELECT pgtrickle.refresh_stream_table('grand_total'); COMMIT");
    assertEquals(32, db.queryLong("SELECT points FROM grand_total"));
    db.execute("SELECT pgtrickle.refresh_stream_table('grand_total')");
    assertEquals("NO_DATA", lastAction(db, "grand_total"));
    db.execute("SELECT pgtrickle.refresh_stream_table('totals')");
    assertEquals("NO_DATA", lastAction(db, "totals"));
  }

  @Test
  void shouldIgnoreRolledBackWrites() {
    db.execute("BEGIN; INSERT INTO scores VALUES (9, 90); ROLLBACK",
        "BEGIN; INSERT INTO scores VALUES (8, 80); SAVEPOINT s; INSERT INTO scores VALUES (7, 70); ROLLBACK TO s; COMMIT");
    db.execute("SELECT pgtrickle.refresh_stream_table('totals')");
    assertEquals(3, db.queryLong("SELECT count(*) FROM totals"));
    assertMatchesQuery(db, "totals", "after rolled-back writes");
  }
}
