package dev.trickle.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.catalog.Refresher;
import dev.trickle.catalog.StreamTableCatalog;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.engine.RefreshCompiler;
import dev.trickle.protocol.StreamTableStatus;
import dev.trickle.testkit.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalRefreshLoopTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create().withSetup(CatalogInstaller::install);

  private final MutableClock clock = new MutableClock(Instant.now());
  private final List<String> refreshed = new ArrayList<>();
  private LocalRefreshLoop loop;

  @BeforeEach
  void createChain() {
    db.execute(
        "SELECT pgtrickle.drop_stream_table(pgtrickle._display_name(st)) FROM pgtrickle.pgt_stream_tables st ORDER BY st.pgt_id DESC",
        "DROP TABLE IF EXISTS trades",
        "CREATE TABLE trades (account int, qty int)",
        "INSERT INTO trades VALUES (1, 10), (2, 20)",
        "SELECT pgtrickle.create_stream_table('positions', 'SELECT account, sum(qty) AS qty FROM trades GROUP BY account', '1s')",
        "SELECT pgtrickle.create_stream_table('book', 'SELECT sum(qty) AS qty FROM positions', 'calculated')",
        "SELECT pgtrickle.create_stream_table('report', 'SELECT qty * 2 AS doubled FROM book', 'calculated')");
    StreamTableDefinitions definitions = new StreamTableDefinitions(db.url()::connect, new RefreshCompiler());
    loop = new LocalRefreshLoop(new StreamTableCatalog(db.url()::connect), definitions,
        new Refresher(db.url()::connect, definitions), clock, Duration.ofMinutes(1),
        (table, outcome) -> refreshed.add(table.name() + ":" + action(outcome)));
  }

  private static String action(RefreshOutcome outcome) {
    return outcome instanceof RefreshOutcome.Completed completed ? completed.record().action().name() : outcome.toString();
  }

  @Test
  void shouldCompileTablesDefinedInSql() {
    loop.tick();
    assertEquals(StreamTableStatus.ACTIVE, new StreamTableCatalog(db.url()::connect).find("report").status());
  }

  @Test
  void shouldRebuildTablesDefinedInSqlWhenCompilingThem() {
    loop.tick();
    assertEquals(3L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE action = 'REINITIALIZE'"));
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE needs_reinit"));
  }

  @Test
  void shouldPropagateChangesDownACalculatedChainInOneWave() {
    compileAndRebuild();
    db.execute("INSERT INTO trades VALUES (1, 5)");
    clock.advance(Duration.ofSeconds(1));
    loop.tick();
    assertEquals(List.of("positions:DIFFERENTIAL", "book:DIFFERENTIAL", "report:DIFFERENTIAL"), refreshed);
    assertEquals(70, db.queryLong("SELECT doubled FROM report"));
  }

  @Test
  void shouldNotWakeCalculatedTablesWhenNothingChanged() {
    compileAndRebuild();
    clock.advance(Duration.ofSeconds(1));
    loop.tick();
    assertEquals(List.of("positions:NO_DATA"), refreshed);
    refreshed.clear();
    clock.advance(Duration.ofMillis(500));
    loop.tick();
    assertEquals(List.of(), refreshed);
  }

  @Test
  void shouldSkipSuspendedTables() {
    db.execute("SELECT pgtrickle.alter_stream_table('positions', status => 'SUSPENDED')", "INSERT INTO trades VALUES (3, 1)");
    clock.advance(Duration.ofSeconds(2));
    loop.tick();
    assertEquals(List.of(), refreshed.stream().filter(r -> r.startsWith("positions")).toList());
  }

  private void compileAndRebuild() {
    loop.tick();
    refreshed.clear();
  }
}
