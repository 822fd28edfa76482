package dev.trickle.sharding.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.catalog.StreamTableVerifier;
import dev.trickle.sharding.database.ClusterDatabase;
import dev.trickle.sinks.ducklake.Delivery;
import dev.trickle.sinks.store.S3Settings;
import dev.trickle.testkit.Eventually;
import dev.trickle.testkit.RefreshHistoryChecks;
import dev.trickle.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The refresh runtime on a one-node cluster against a real database: stream tables defined in
 * SQL are picked up, waves keep topological order, failures suspend only the failing table,
 * and manual refreshes racing the scheduler never double-apply.
 */
class ClusterRuntimeTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create().withSetup(CatalogInstaller::install);
  @RegisterExtension static final TestDatabase otherDb = TestDatabase.create().withSetup(CatalogInstaller::install);

  /**
   * Scheduled refreshes that overlapped one of a table it reads (members of an atomic diamond
   * group run one after another in their shared transaction, so they never overlap either).
   */
  private static final String OVERLAPPING_REFRESHES = """
      SELECT count(*) FROM pgtrickle.pgt_refresh_history h
        JOIN pgtrickle.pgt_dependencies d ON d.pgt_id = h.pgt_id
        JOIN pgtrickle.pgt_stream_tables up ON up.pgt_relid = d.source_relid
        JOIN pgtrickle.pgt_refresh_history uh ON uh.pgt_id = up.pgt_id AND uh.action <> 'NO_DATA'
       WHERE h.action <> 'NO_DATA' AND h.initiated_by = 'SCHEDULER' AND uh.initiated_by = 'SCHEDULER'
         AND uh.start_time < h.end_time AND uh.end_time > h.start_time
      """;

  /** Every refresh and delivery the runtime reported, as "database:kind:pgt_id". */
  private static final Queue<String> observed = new ConcurrentLinkedQueue<>();
  private static final RuntimeObserver OBSERVED = new RuntimeObserver() {
    @Override
    public void refreshed(String database, List<Long> members, RefreshOutcome outcome, Duration took) {
      observed.add(database + ":" + outcome.getClass().getSimpleName() + ":" + members);
    }

    @Override
    public void delivered(String database, long pgtId, Delivery delivery, Duration took) {
      observed.add(database + ":Delivered:" + pgtId);
    }

    @Override
    public void deliveryFailed(String database, long pgtId, String message) {
      observed.add(database + ":DeliveryFailed:" + pgtId);
    }
  };
  private static ActorTestKit testKit;
  private static ClusterDatabase database;
  private static ClusterDatabase otherDatabase;

  @BeforeAll
  static void startNode() throws Exception {
    Config config = ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.sharding.passivation.strategy = none
        pekko.persistence.journal.plugin = "pekko.persistence.journal.inmem"
        pekko.persistence.snapshot-store.plugin = "pekko.persistence.snapshot-store.local"
        trickle.runtime.tick-interval = 50ms
        trickle.runtime.catalog-scan-interval = 300ms
        trickle.runtime.backoff.min = 100ms
        trickle.runtime.backoff.max = 200ms
        trickle.runtime.backoff.random-factor = 0
        """).withFallback(ConfigFactory.parseString("pekko.persistence.snapshot-store.local.dir = \""
            + Path.of("target", "snapshots-" + UUID.randomUUID()).toAbsolutePath().toString().replace('\\', '/') + "\""))
        .withFallback(ConfigFactory.load());
    testKit = ActorTestKit.create("trickle", config);
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    database = new ClusterDatabase("test", db.url(), 4, Duration.ofSeconds(2), "test-node");
    otherDatabase = new ClusterDatabase("other", otherDb.url(), 2, Duration.ofSeconds(2), "test-node");
    ClusterRuntime.start(testKit.system(), List.of(database, otherDatabase),
        RuntimeSettings.from(testKit.system().settings().config(), Clock.systemUTC()), S3Settings.fromEnvironment(Map.of()),
        Files.createTempDirectory("sink-work-"), OBSERVED);
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
    database.close();
    otherDatabase.close();
  }

  @BeforeEach
  void dropStreamTables() {
    db.execute("SELECT pgtrickle.drop_stream_table(pgtrickle._display_name(st)) FROM pgtrickle.pgt_stream_tables st "
        + "ORDER BY st.pgt_id DESC");
  }

  private static void eventually(String what, BooleanSupplier condition) {
    Eventually.holds(what, Duration.ofSeconds(15), condition::getAsBoolean);
  }

  private static String status(String table) {
    return (String) db.queryValue("SELECT status FROM pgtrickle.pgt_stream_tables WHERE pgt_name = '" + table + "'");
  }

  @Test
  void shouldCompileAndRefreshTablesDefinedInSql() {
    db.execute("DROP TABLE IF EXISTS orders CASCADE", "CREATE TABLE orders (id int PRIMARY KEY, region text, amount int)",
        "INSERT INTO orders VALUES (1, 'north', 10)",
        "SELECT pgtrickle.create_stream_table('by_region', 'SELECT region, sum(amount) AS total FROM orders GROUP BY region', '1s')");
    eventually("the coordinator compiled the table", () -> "ACTIVE".equals(status("by_region")));
    db.execute("INSERT INTO orders VALUES (2, 'north', 5)");
    eventually("the table refreshed on its schedule",
        () -> db.queryLong("SELECT total FROM by_region WHERE region = 'north'") == 15);
    assertEquals("DIFFERENTIAL", db.queryValue("SELECT effective_refresh_mode FROM pgtrickle.pgt_stream_tables"));
  }

  @Test
  void shouldDeliverEveryRefreshOfATableWithASinkInOrder() throws Exception {
    Path lake = Files.createTempDirectory("lake-");
    db.execute("DROP TABLE IF EXISTS orders CASCADE", "CREATE TABLE orders (id int PRIMARY KEY, region text, amount int)",
        "TRUNCATE pgtrickle.pgt_ducklake_provenance",
        "INSERT INTO orders VALUES (1, 'north', 10)",
        "SELECT pgtrickle.create_stream_table('by_region', 'SELECT region, sum(amount) AS total FROM orders GROUP BY region', "
            + "'200ms', sink => 'ducklake', ducklake_sink_path => '" + lake.toUri() + "', ducklake_catalog_schema => 'lake')");
    for (int i = 2; i <= 6; i++) {
      db.execute("INSERT INTO orders VALUES (" + i + ", 'r" + (i % 3) + "', " + i + ")");
      Thread.sleep(300);
    }
    String undelivered = "SELECT count(*) FROM pgtrickle.pgt_refresh_history h WHERE h.status = 'COMPLETED' "
        + "AND h.delta_row_count > 0 AND h.pgt_id = (SELECT pgt_id FROM pgtrickle.pgt_stream_tables) AND NOT EXISTS "
        + "(SELECT 1 FROM pgtrickle.pgt_ducklake_provenance p WHERE p.refresh_id = h.refresh_id)";
    eventually("every refresh that changed rows reached the sink", () -> db.queryLong("SELECT count(*) FROM "
        + "pgtrickle.pgt_refresh_history WHERE delta_row_count > 0 AND pgt_id = (SELECT pgt_id FROM "
        + "pgtrickle.pgt_stream_tables)") >= 2 && db.queryLong(undelivered) == 0
        && db.queryLong("SELECT sum(total) FROM by_region") == 30);
    assertEquals(0L, db.queryLong("SELECT count(*) FROM (SELECT refresh_id < lag(refresh_id) OVER (ORDER BY "
        + "ducklake_snapshot_id) AS back FROM pgtrickle.pgt_ducklake_provenance) p WHERE back"), "in refresh order");
    assertEquals(List.of(List.of(0L, 0)), db.query("SELECT pending_refreshes, consecutive_errors FROM pgtrickle.sink_status()"));
    assertEquals(db.queryLong("SELECT count(*) FROM pgtrickle.pgt_ducklake_provenance"),
        Files.list(lake).filter(file -> file.toString().endsWith(".parquet")).count(), "one file per delivery");
    long id = db.queryLong("SELECT pgt_id FROM pgtrickle.pgt_stream_tables");
    assertEquals(db.queryLong("SELECT count(*) FROM pgtrickle.pgt_ducklake_provenance"),
        observed.stream().filter(("test:Delivered:" + id)::equals).count(), "the observer heard of every delivery");
    assertTrue(observed.contains("test:Completed:[" + id + "]"), "the observer heard of the refreshes: " + observed);
  }

  @Test
  void shouldServeEveryDatabaseItIsGiven() {
    db.execute("DROP TABLE IF EXISTS orders CASCADE", "CREATE TABLE orders (id int PRIMARY KEY, amount int)",
        "SELECT pgtrickle.create_stream_table('order_total', 'SELECT sum(amount) AS total FROM orders', '200ms')");
    otherDb.execute("DROP TABLE IF EXISTS orders CASCADE", "CREATE TABLE orders (id int PRIMARY KEY, amount int)",
        "SELECT pgtrickle.create_stream_table('order_total', 'SELECT sum(amount) AS total FROM orders', '200ms')");
    eventually("both databases' tables compiled", () -> "ACTIVE".equals(status("order_total"))
        && "ACTIVE".equals(otherDb.queryValue("SELECT status FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'order_total'")));
    db.execute("INSERT INTO orders VALUES (1, 10)");
    otherDb.execute("INSERT INTO orders VALUES (1, 20), (2, 2)");
    String total = "SELECT coalesce(sum(total), 0) FROM order_total";
    eventually("each database's table refreshed from its own rows",
        () -> db.queryLong(total) == 10 && otherDb.queryLong(total) == 22);
  }

  @Test
  void shouldRefreshEachLevelOfAChainAfterTheLevelItReads() {
    db.execute("DROP TABLE IF EXISTS trades CASCADE", "CREATE TABLE trades (id int PRIMARY KEY, account int, qty int)",
        "INSERT INTO trades VALUES (1, 1, 10), (2, 2, 20)",
        "SELECT pgtrickle.create_stream_table('positions', 'SELECT account, sum(qty) AS qty FROM trades GROUP BY account', '1s')",
        "SELECT pgtrickle.create_stream_table('book', 'SELECT sum(qty) AS qty FROM positions', 'calculated')",
        "SELECT pgtrickle.create_stream_table('report', 'SELECT qty * 2 AS doubled FROM book', 'calculated')");
    eventually("all three compiled", () -> db.queryLong(
        "SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE status = 'ACTIVE'") == 3);
    db.execute("INSERT INTO trades VALUES (3, 1, 5)");
    eventually("the change reached the bottom of the chain", () -> db.queryLong("SELECT doubled FROM report") == 70);
    assertEquals(0L, db.queryLong(OVERLAPPING_REFRESHES), "no table refreshed while a table it reads was refreshing");
  }

  @Test
  void shouldKeepEveryLevelOfTheFraudDagConsistentWithTheLevelItReads() throws Exception {
    db.execute("DROP TABLE IF EXISTS users, merchants, transactions CASCADE",
        "CREATE TABLE users (id int PRIMARY KEY, country text)",
        "CREATE TABLE merchants (id int PRIMARY KEY, category text)",
        "CREATE TABLE transactions (id serial PRIMARY KEY, user_id int, merchant_id int, amount int)",
        "INSERT INTO users SELECT g, (ARRAY['NL', 'DE', 'FR'])[g % 3 + 1] FROM generate_series(1, 20) g",
        "INSERT INTO merchants SELECT g, (ARRAY['crypto', 'grocery'])[g % 2 + 1] FROM generate_series(1, 10) g",
        "INSERT INTO transactions (user_id, merchant_id, amount) SELECT g % 20 + 1, g % 10 + 1, g FROM generate_series(1, 50) g",
        "SELECT pgtrickle.create_stream_table('user_velocity', "
            + "'SELECT user_id, count(*) AS txns, sum(amount) AS spent FROM transactions GROUP BY user_id', '200ms')",
        "SELECT pgtrickle.create_stream_table('merchant_stats', "
            + "'SELECT merchant_id, count(*) AS txns FROM transactions GROUP BY merchant_id', '200ms')",
        "SELECT pgtrickle.create_stream_table('category_volume', 'SELECT m.category, count(*) AS txns, sum(t.amount) AS volume "
            + "FROM transactions t JOIN merchants m ON m.id = t.merchant_id GROUP BY m.category', '200ms')",
        "SELECT pgtrickle.create_stream_table('risk_scores', 'SELECT t.id, t.user_id, t.merchant_id, v.txns AS user_txns, "
            + "s.txns AS merchant_txns FROM transactions t JOIN user_velocity v ON v.user_id = t.user_id "
            + "JOIN merchant_stats s ON s.merchant_id = t.merchant_id', 'calculated', diamond_consistency => 'atomic')",
        "SELECT pgtrickle.create_stream_table('country_risk', "
            + "'SELECT u.country, sum(v.txns) AS txns FROM user_velocity v JOIN users u ON u.id = v.user_id GROUP BY u.country', "
            + "'calculated')",
        "SELECT pgtrickle.create_stream_table('alert_summary', "
            + "'SELECT user_txns > 5 AS heavy, count(*) AS n FROM risk_scores GROUP BY 1', 'calculated')",
        "SELECT pgtrickle.create_stream_table('top_risky_merchants', "
            + "'SELECT merchant_id, count(*) AS n, max(merchant_txns) AS merchant_txns FROM risk_scores GROUP BY merchant_id', "
            + "'calculated')");
    eventually("all seven compiled", () -> db.queryLong(
        "SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE status = 'ACTIVE'") == 7);

    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<?> writes = writer.submit(() -> {
      for (int i = 0; writing.get(); i++) {
        db.execute("INSERT INTO transactions (user_id, merchant_id, amount) VALUES (" + (i * 7 % 20 + 1) + ", "
            + (i * 3 % 10 + 1) + ", " + i + ")");
        Thread.sleep(20);
      }
      return null;
    });
    // While transactions arrive, every level must match the state of the level below it as of
    // the same wave: risk_scores carries, for each row, the user's and the merchant's count
    // from level 1, which must count exactly the transactions risk_scores holds. (It reads
    // transactions too, so only an atomic diamond, refreshed with its level-1 inputs in one
    // transaction, can promise that; with 'none' the check fails within seconds.)
    long samples = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
    long refreshesBefore = db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables st "
        + "USING (pgt_id) WHERE st.pgt_name = 'risk_scores' AND h.action <> 'NO_DATA'");
    while (System.nanoTime() < deadline) {
      assertEquals(0L, db.queryLong("""
          SELECT (SELECT count(*) FROM (SELECT user_id FROM risk_scores GROUP BY user_id
                                         HAVING count(*) <> min(user_txns) OR min(user_txns) <> max(user_txns)) u)
               + (SELECT count(*) FROM (SELECT merchant_id FROM risk_scores GROUP BY merchant_id
                                         HAVING count(*) <> min(merchant_txns) OR min(merchant_txns) <> max(merchant_txns)) m)
          """), "risk_scores read a level-1 state older than its own wave");
      assertEquals(0L, db.queryLong("SELECT count(*) FROM top_risky_merchants WHERE n <> merchant_txns"),
          "top_risky_merchants read a risk_scores state mixing waves");
      samples++;
    }
    writing.set(false);
    writes.get();
    writer.shutdown();
    assertTrue(samples > 10, "sampled " + samples + " times");
    assertTrue(db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables st "
        + "USING (pgt_id) WHERE st.pgt_name = 'risk_scores' AND h.action <> 'NO_DATA'") > refreshesBefore + 3,
        "risk_scores kept refreshing while transactions arrived");
    long total = db.queryLong("SELECT count(*) FROM transactions");
    eventually("the last transactions reached level 3",
        () -> db.queryLong("SELECT coalesce(sum(n), 0) FROM alert_summary") == total);
    StreamTableVerifier verifier = new StreamTableVerifier(db.url()::connect);
    for (String table : List.of("user_velocity", "merchant_stats", "category_volume", "risk_scores", "country_risk",
        "alert_summary", "top_risky_merchants")) {
      assertTrue(verifier.verify(table).matches(), table + " equals its query");
    }
    assertEquals(0L, db.queryLong(OVERLAPPING_REFRESHES), "no table refreshed while a table it reads was refreshing");
  }

  @Test
  void shouldSuspendOnlyTheTableWhoseRefreshKeepsFailing() {
    db.execute("DROP TABLE IF EXISTS readings, fail_switch CASCADE",
        "CREATE TABLE fail_switch (on_ boolean)", "INSERT INTO fail_switch VALUES (false)",
        "CREATE FUNCTION checked_reading(v int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN "
            + "IF (SELECT on_ FROM public.fail_switch) THEN RAISE EXCEPTION 'sensor offline'; END IF; RETURN v; END $$",
        "CREATE TABLE readings (id int PRIMARY KEY, v int)", "INSERT INTO readings VALUES (1, 1)",
        "SELECT pgtrickle.create_stream_table('fragile', 'SELECT id, checked_reading(v) AS v FROM readings', '1s')",
        "SELECT pgtrickle.create_stream_table('sturdy', 'SELECT count(*) AS n FROM readings', '1s')");
    eventually("both compiled", () -> db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE status = 'ACTIVE'") == 2);
    db.execute("UPDATE fail_switch SET on_ = true");
    for (int i = 2; i <= 8; i++) {
      db.execute("INSERT INTO readings VALUES (" + i + ", " + i + ")");
    }
    eventually("the failing table was suspended", () -> "SUSPENDED".equals(status("fragile")));
    assertTrue(((String) db.queryValue("SELECT last_error_message FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'fragile'"))
        .contains("sensor offline"));
    eventually("the other table kept refreshing", () -> db.queryLong("SELECT n FROM sturdy") == 8);
    assertEquals("ACTIVE", status("sturdy"));
    db.execute("DROP FUNCTION checked_reading(int) CASCADE");
  }

  @Test
  void shouldNeverApplyAChangeTwiceWhenManualRefreshesRaceTheScheduler() throws Exception {
    db.execute("DROP TABLE IF EXISTS events CASCADE", "CREATE TABLE events (id serial PRIMARY KEY, k int, v int)",
        "SELECT pgtrickle.create_stream_table('totals', 'SELECT k, count(*) AS n, sum(v) AS s FROM events GROUP BY k', '100ms')");
    eventually("compiled", () -> "ACTIVE".equals(status("totals")));
    // Two racers refresh by hand after each insert; the third only inserts, so the scheduler has
    // changes to apply while the manual refreshes run. They race until the scheduler has applied
    // some (a minute at most: a scheduler starved that long is a failure too).
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    BooleanSupplier raceOver = () -> db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history "
        + "WHERE initiated_by = 'SCHEDULER' AND action <> 'NO_DATA'") > 0 || System.nanoTime() > deadline;
    ExecutorService racers = Executors.newFixedThreadPool(3);
    List<Future<?>> work = new ArrayList<>();
    for (int racer = 0; racer < 3; racer++) {
      boolean refreshes = racer > 0;
      int seed = racer;
      work.add(racers.submit(() -> {
        for (int i = 0; i < 40 || !raceOver.getAsBoolean(); i++) {
          db.execute("INSERT INTO events (k, v) VALUES (" + ((i + seed) % 4) + ", " + i + ")");
          if (refreshes) {
            db.execute("SELECT pgtrickle.refresh_stream_table('totals')");
          }
        }
        return null;
      }));
    }
    for (Future<?> future : work) {
      future.get();
    }
    racers.shutdown();
    assertTrue(new StreamTableVerifier(db.url()::connect).verify("totals").matches(), "the table equals its query");
    assertEquals(0L, db.queryLong(RefreshHistoryChecks.BROKEN_FRONTIER_CHAINS),
        "each refresh starts at the frontier the previous one ended at: no range consumed twice or skipped");
    assertTrue(db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE initiated_by = 'SCHEDULER'") > 0,
        "the scheduler applied changes during the race too");
  }
}
