package dev.trickle.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.engine.UnsupportedRefreshModeException;
import dev.trickle.protocol.RefreshAction;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.protocol.StreamTableId;
import dev.trickle.protocol.StreamTableStatus;
import dev.trickle.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StreamTableDefinitionsTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  private final StreamTableDefinitions definitions = CatalogTesting.definitions(db);
  private final StreamTableCatalog catalog = new StreamTableCatalog(db.url()::connect);

  @BeforeEach
  void reset() {
    db.execute(CatalogTesting.DROP_ALL_STREAM_TABLES,
        "DROP TABLE IF EXISTS orders",
        "CREATE TABLE orders (id int PRIMARY KEY, region text, amount int)",
        "INSERT INTO orders VALUES (1, 'north', 10), (2, 'south', 20), (3, 'north', 5)");
  }

  private static StreamTableDefinition definition(String name, String query, RefreshMode mode) {
    return new StreamTableDefinition(name, query, "5s", mode, true);
  }

  @Test
  void shouldCreateCompileAndPopulateInOneStep() {
    StreamTableInfo created = definitions.create(
        definition("by_region", "SELECT region, sum(amount) AS total FROM orders GROUP BY region", RefreshMode.AUTO));
    assertEquals(StreamTableStatus.ACTIVE, created.status());
    assertEquals(Optional.of(RefreshMode.DIFFERENTIAL), created.effectiveMode());
    assertEquals("aggregate: change merged into stored state", created.modeReason());
    assertTrue(created.populated());
    assertEquals("public.by_region", created.displayName());
    assertEquals(2, db.queryLong("SELECT count(*) FROM by_region"));
    RefreshRecord initial = catalog.history("by_region", 5).get(0);
    assertEquals(RefreshAction.FULL, initial.action());
    assertEquals(2, initial.rowsInserted());
  }

  @Test
  void shouldFallBackToFullUnderAutoWithTheReason() {
    StreamTableInfo created = definitions.create(
        definition("noisy", "SELECT id, random() AS r FROM orders", RefreshMode.AUTO));
    assertEquals(Optional.of(RefreshMode.FULL), created.effectiveMode());
    assertEquals("AUTO chose FULL: the differential engine cannot maintain volatile function random()",
        created.modeReason());
  }

  @Test
  void shouldLeaveNothingBehindWhenTheModeIsUnsupported() {
    assertThrows(UnsupportedRefreshModeException.class, () -> definitions.create(
        definition("by_region", "SELECT region, random() AS r FROM orders", RefreshMode.DIFFERENTIAL)));
    assertEquals(List.of(), catalog.list());
    assertEquals(null, db.queryValue("SELECT to_regclass('by_region')"));
  }

  @Test
  void shouldCompileStreamTablesDefinedInSql() {
    db.execute("SELECT pgtrickle.create_stream_table('a', 'SELECT id FROM orders', '1s')",
        "SELECT pgtrickle.create_stream_table('b', 'SELECT id, random() AS r FROM orders', '1s', 'DIFFERENTIAL')");
    assertEquals(StreamTableStatus.INITIALIZING, catalog.find("a").status());
    assertTrue(catalog.find("a").populated(), "SQL-created tables are populated at once");

    definitions.compilePending();

    assertEquals(StreamTableStatus.ACTIVE, catalog.find("a").status());
    StreamTableInfo failed = catalog.find("b");
    assertEquals(StreamTableStatus.ERROR, failed.status());
    assertTrue(failed.lastError().contains("DIFFERENTIAL refresh cannot maintain volatile function random()"),
        failed.lastError());
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> db.execute("SELECT pgtrickle.refresh_stream_table('b')"));
    assertTrue(refused.getMessage().contains("is in ERROR"), refused.getMessage());

    definitions.alter("b", new StreamTableAlteration(Optional.empty(), Optional.empty(),
        Optional.of(RefreshMode.FULL), Optional.empty()));
    assertEquals(StreamTableStatus.ACTIVE, catalog.find("b").status());
  }

  @Test
  void shouldKeepStorageWhenAnAlteredQueryHasTheSameColumns() {
    definitions.create(definition("t", "SELECT region, amount FROM orders", RefreshMode.FULL));
    long relid = db.queryLong("SELECT 't'::regclass::oid");
    definitions.alter("t", new StreamTableAlteration(Optional.of("SELECT region, amount FROM orders WHERE amount > 5"),
        Optional.of("10s"), Optional.empty(), Optional.empty()));
    assertEquals(relid, db.queryLong("SELECT 't'::regclass::oid"));
    assertEquals(2, db.queryLong("SELECT count(*) FROM t"));
    assertEquals("10s", catalog.find("t").schedule());
    assertEquals(RefreshAction.REINITIALIZE, catalog.history("t", 1).get(0).action());
    CatalogTesting.assertMatchesQuery(db, "t", "after alter");
  }

  @Test
  void shouldRebuildStorageWhenColumnsChange() {
    definitions.create(definition("t", "SELECT region, amount FROM orders", RefreshMode.FULL));
    long relid = db.queryLong("SELECT 't'::regclass::oid");
    definitions.alter("t", new StreamTableAlteration(Optional.of("SELECT id, region FROM orders"),
        Optional.empty(), Optional.empty(), Optional.empty()));
    assertNotEquals(relid, db.queryLong("SELECT 't'::regclass::oid"));
    CatalogTesting.assertMatchesQuery(db, "t", "after rebuild");
  }

  @Test
  void shouldRefuseAnEmptyAlteration() {
    definitions.create(definition("t", "SELECT region FROM orders", RefreshMode.FULL));
    assertThrows(CatalogException.class, () -> definitions.alter("t",
        new StreamTableAlteration(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())));
  }

  @Test
  void shouldReportRefreshesAndTheirOutcome() {
    definitions.create(definition("t", "SELECT region, sum(amount) AS total FROM orders GROUP BY region", RefreshMode.FULL));
    Refresher refresher = CatalogTesting.refresher(db);
    db.execute("INSERT INTO orders VALUES (4, 'east', 1)");
    RefreshRecord manual = refresher.refreshNow("t");
    assertEquals(RefreshAction.FULL, manual.action());
    assertEquals(1, manual.rowsInserted());
    db.execute("INSERT INTO orders VALUES (5, 'east', 2)");
    RefreshOutcome scheduled = refresher.refreshScheduled(catalog.find("t").id());
    RefreshOutcome.Completed completed = assertInstanceOf(RefreshOutcome.Completed.class, scheduled);
    assertEquals(RefreshAction.FULL, completed.record().action());
    assertEquals(1, completed.record().rowsInserted() + completed.record().rowsUpdated());
    int recorded = catalog.history("t", 100).size();
    Instant before = catalog.find("t").lastRefreshAt();
    assertInstanceOf(RefreshOutcome.Unchanged.class, refresher.refreshScheduled(catalog.find("t").id()));
    assertEquals(recorded, catalog.history("t", 100).size(), "a scheduled refresh with nothing to do is not recorded");
    assertTrue(catalog.find("t").lastRefreshAt().isAfter(before), "but the table's refresh time moves on");
    assertEquals(RefreshAction.FULL, refresher.refreshNow("t").action(),
        "a manual refresh of a FULL table recomputes it, changes or not, and is recorded");
  }

  @Test
  void shouldNameTheRefreshedTablesWhoseSinksHaveANewDelta() {
    definitions.create(definition("plain", "SELECT id, amount FROM orders", RefreshMode.DIFFERENTIAL));
    definitions.create(new StreamTableDefinition("sunk", "SELECT region, amount FROM orders", "5s",
        RefreshMode.DIFFERENTIAL, true, Optional.of(SinkSettings.ducklake("file:///tmp/sunk/", Optional.empty(),
            Optional.empty()))));
    Refresher refresher = CatalogTesting.refresher(db);
    db.execute("INSERT INTO orders VALUES (6, 'east', 3)");
    RefreshOutcome.Completed plain = assertInstanceOf(RefreshOutcome.Completed.class,
        refresher.refreshScheduled(catalog.find("plain").id()));
    assertEquals(List.of(), plain.sinks());
    RefreshOutcome.Completed group = assertInstanceOf(RefreshOutcome.Completed.class,
        refresher.refreshGroup(List.of(catalog.find("plain").id(), catalog.find("sunk").id())));
    assertEquals(List.of(catalog.find("sunk").id()), group.sinks());
    assertEquals("public.sunk", group.record().streamTable(), "the group's outcome is its last recorded refresh");
    String index = "SELECT to_regclass('pgtrickle_changes.changes_' || 'sunk'::regclass::oid || '_deliveries') IS NOT NULL";
    assertEquals(true, db.queryValue(index), "deliveries read the buffer through an index");
    db.execute("SELECT pgtrickle.alter_stream_table('sunk', sink => 'none')");
    assertEquals(false, db.queryValue(index));
  }

  @Test
  void shouldSkipAGroupWhileAnotherSessionRefreshesAMemberAndReleaseItsLocksAfterwards() throws Exception {
    definitions.create(definition("first", "SELECT id, amount FROM orders", RefreshMode.DIFFERENTIAL));
    definitions.create(definition("second", "SELECT id, region FROM orders", RefreshMode.DIFFERENTIAL));
    Refresher refresher = CatalogTesting.refresher(db);
    List<StreamTableId> group = List.of(catalog.find("first").id(), catalog.find("second").id());
    db.execute("INSERT INTO orders VALUES (7, 'north', 4)");
    try (Connection other = db.connect()) {
      other.setAutoCommit(false);
      try (Statement statement = other.createStatement()) {
        statement.execute("SELECT pgtrickle._refresh(" + group.get(1).value() + ", 'MANUAL')");
      }
      assertInstanceOf(RefreshOutcome.Skipped.class, refresher.refreshGroup(group));
      other.commit();
    }
    assertInstanceOf(RefreshOutcome.Completed.class, refresher.refreshGroup(group));
    CatalogTesting.assertMatchesQuery(db, "second", "after the group");
    db.execute("INSERT INTO orders VALUES (8, 'south', 5)");
    assertInstanceOf(RefreshOutcome.Completed.class, refresher.refreshScheduled(group.get(0)),
        "the group released its locks");
    CatalogTesting.assertMatchesQuery(db, "first", "after the group and a refresh of its own");
  }

  @Test
  void shouldClearErrorsWithTheFirstScheduledRefreshThatSucceeds() {
    definitions.create(definition("t", "SELECT 100 / amount AS ratio FROM orders", RefreshMode.FULL));
    Refresher refresher = CatalogTesting.refresher(db);
    db.execute("INSERT INTO orders VALUES (9, 'west', 0)");
    assertInstanceOf(RefreshOutcome.Failed.class, refresher.refreshScheduled(catalog.find("t").id()));
    db.execute("DELETE FROM orders WHERE id = 9");
    assertInstanceOf(RefreshOutcome.Completed.class, refresher.refreshScheduled(catalog.find("t").id()));
    assertEquals(0, catalog.find("t").consecutiveErrors());
  }

  @Test
  void shouldRecordScheduledFailures() {
    definitions.create(definition("t", "SELECT 100 / amount AS ratio FROM orders", RefreshMode.FULL));
    db.execute("INSERT INTO orders VALUES (9, 'west', 0)");
    RefreshOutcome outcome = CatalogTesting.refresher(db).refreshScheduled(catalog.find("t").id());
    RefreshOutcome.Failed failed = assertInstanceOf(RefreshOutcome.Failed.class, outcome);
    assertTrue(failed.message().contains("division by zero"), failed.message());
    StreamTableInfo table = catalog.find("t");
    assertEquals(1, table.consecutiveErrors());
    assertEquals("FAILED", catalog.history("t", 1).get(0).status());
    assertFalse(catalog.history("t", 1).get(0).errorMessage().isEmpty());
  }

  @Test
  void shouldVerifyEvenWhileSourcesMoveOn() {
    definitions.create(definition("t", "SELECT region, sum(amount) AS total FROM orders GROUP BY region", RefreshMode.FULL));
    db.execute("INSERT INTO orders VALUES (5, 'west', 7)");
    StreamTableVerifier verifier = new StreamTableVerifier(db.url()::connect);
    assertFalse(verifier.compare("t").matches(), "stale until refreshed");
    Verification verified = verifier.verify("t");
    assertTrue(verified.matches(), verified.toString());
    assertTrue(verified.refreshed());
    assertFalse(verifier.compare("t").matches(), "verify leaves no trace");
  }

  @Test
  void shouldRenderTheDependencyTree() {
    definitions.create(definition("base", "SELECT region, amount FROM orders", RefreshMode.FULL));
    definitions.create(definition("top", "SELECT region, sum(amount) AS total FROM base GROUP BY region", RefreshMode.FULL));
    List<String> lines = catalog.tree().stream().map(TreeLine::line).toList();
    assertEquals(List.of("public.top", "└── public.base", "    └── public.orders [src]"), lines);
    assertEquals(1, catalog.edges().size());
  }
}
