package dev.trickle.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrickleCliTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create();

  /** What one CLI run printed and returned. */
  record Run(int exitCode, String out, String err) {}

  private static Run trickle(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode = TrickleCli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run trickleOnDb(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--db");
    all.add(db.url().toLibpqUrl());
    return trickle(all.toArray(String[]::new));
  }

  private static void assertFailsWithOneLine(Run run, int exitCode, String messagePart) {
    assertEquals(exitCode, run.exitCode(), run.toString());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("trickle: ") && run.err().contains(messagePart), run.err());
  }

  @BeforeEach
  void reset() {
    CatalogInstaller.install(db.url());
    db.execute("SELECT pgtrickle.drop_stream_table(pgtrickle._display_name(st)) FROM pgtrickle.pgt_stream_tables st "
            + "ORDER BY st.pgt_id DESC",
        "DROP TABLE IF EXISTS orders, game_scores",
        "CREATE TABLE orders (id int, region text, amount int)",
        "INSERT INTO orders VALUES (1, 'north', 10), (2, 'south', 20)");
  }

  @Test
  void shouldPrintHelpForEveryCommand() {
    for (String command : List.of("install", "create", "alter", "drop", "refresh", "status", "history", "tree",
        "explain", "verify", "efficiency", "advise", "suspend", "resume", "sink", "node", "cluster", "demo", "bench")) {
      Run run = trickle(command, "--help");
      assertEquals(0, run.exitCode(), command);
      assertTrue(run.out().startsWith("Usage: trickle " + command), run.out());
    }
    for (String subcommand : List.of("members", "shards", "leave")) {
      Run run = trickle("cluster", subcommand, "--help");
      assertEquals(0, run.exitCode(), subcommand);
      assertTrue(run.out().startsWith("Usage: trickle cluster " + subcommand), run.out());
    }
  }

  @Test
  void shouldSaySoWhenNoNodeAnswers() {
    assertFailsWithOneLine(trickle("cluster", "members", "--node", "127.0.0.1:1"), 1, "127.0.0.1:1");
  }

  @Test
  void shouldRefuseANodeConfigurationThatCannotWork() {
    String url = db.url().toLibpqUrl();
    assertFailsWithOneLine(trickle("node", "--db", url, "--seeds", "10.0.0.1"), 1, "seed '10.0.0.1' is not host:port");
    assertFailsWithOneLine(trickle("node", "--db", url, "--port", "70000"), 1, "port 70000 is not between 0 and 65535");
    assertFailsWithOneLine(trickle("node", "--db", url, "--db", url), 1, "is given twice");
    assertFailsWithOneLine(trickle("node", "--db", "mysql://nope"), 1, "mysql://nope");
  }

  @Test
  void shouldInstallIdempotently() {
    Run run = trickleOnDb("install");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().startsWith("pgtrickle catalog is up to date"), run.out());
  }

  @Test
  void shouldManageAStreamTableEndToEnd() {
    Run created = trickleOnDb("create", "by_region", "--query", "SELECT region, sum(amount) AS total FROM orders GROUP BY region",
        "--schedule", "5s");
    assertEquals(0, created.exitCode(), created.toString());
    assertTrue(created.out().startsWith("created public.by_region (DIFFERENTIAL, schedule 5s)"), created.out());
    assertTrue(created.out().matches("(?s).*\npopulated public\\.by_region: 2 rows in [0-9.]+ s \\([0-9,]+ rows/s\\)\n"),
        created.out());

    db.execute("INSERT INTO orders VALUES (3, 'east', 5)");
    Run refreshed = trickleOnDb("refresh", "by_region");
    assertTrue(refreshed.out().startsWith("refreshed public.by_region: DIFFERENTIAL, 1 inserted"), refreshed.out());

    Run explained = trickleOnDb("explain", "by_region");
    assertTrue(explained.out().contains("effective mode: DIFFERENTIAL"), explained.out());
    assertTrue(explained.out().contains("Aggregate keys=["), explained.out());
    assertTrue(explained.out().contains("DIFFERENTIAL refresh (the statement a refresh from the current frontier runs):"),
        explained.out());

    Run status = trickleOnDb("status", "--json");
    assertTrue(status.out().contains("\"displayName\" : \"public.by_region\""), status.out());
    assertTrue(status.out().matches("(?s).*\"id\" : \"[0-9]+\".*"), "ids are plain values: " + status.out());

    Run watched = trickleOnDb("status", "--watch", "--count", "2", "--interval", "0.1");
    assertEquals(0, watched.exitCode(), watched.toString());
    assertEquals(2, watched.out().split("\033\\[H\033\\[2J", -1).length - 1, "cleared twice: " + watched.out());
    assertEquals(2, watched.out().lines().filter(line -> line.startsWith("public.by_region ")).count(), watched.out());
    assertFailsWithOneLine(trickleOnDb("status", "--watch", "--interval", "0"), 2, "--interval must be between");

    Run history = trickleOnDb("history", "by_region", "--limit", "5");
    assertEquals(4, history.out().lines().count(), "header, rule and two refreshes: " + history.out());

    Run efficiency = trickleOnDb("efficiency");
    assertTrue(efficiency.out().lines().anyMatch(line -> line.startsWith("public.by_region")), efficiency.out());
    Run advice = trickleOnDb("advise", "by_region");
    assertTrue(advice.out().startsWith("public.by_region: "), advice.out());
    assertTrue(advice.out().contains("signals: {"), advice.out());

    assertTrue(trickleOnDb("tree").out().contains("└── public.orders [src]"));
    assertEquals("ok public.by_region\n", trickleOnDb("verify", "by_region").out());

    Run altered = trickleOnDb("alter", "by_region", "--status", "suspended");
    assertTrue(altered.out().contains("SUSPENDED"), altered.out());
    assertEquals(0, trickleOnDb("drop", "by_region").exitCode());
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables"));
  }

  @Test
  void shouldCreateAlterAndShowSinks() throws Exception {
    String lake = Files.createTempDirectory("lake-").toUri().toString();
    Run created = trickleOnDb("create", "by_region", "--query", "SELECT region, sum(amount) AS total FROM orders GROUP BY region",
        "--sink", "ducklake", "--sink-path", lake, "--sink-mode", "mirror");
    assertEquals(0, created.exitCode(), created.toString());
    Run status = trickleOnDb("sink", "status");
    assertEquals(List.of("public.by_region", "ducklake", "mirror", lake, "0", "1", "2", "0"),
        List.of(status.out().lines().skip(2).findFirst().orElse("").trim().split(" +")), status.out());
    assertTrue(trickleOnDb("sink", "status", "--json").out().contains("\"pendingRefreshes\" : 1"));
    assertFailsWithOneLine(trickleOnDb("alter", "by_region", "--sink-mode", "append"), 1, "need sink => 'ducklake'");
    assertEquals(0, trickleOnDb("alter", "by_region", "--sink", "none").exitCode());
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.sink_status()"));
    assertFailsWithOneLine(trickleOnDb("create", "t", "--query", "SELECT 1 AS x", "--sink", "ducklake"), 1,
        "needs ducklake_sink_path");
  }

  @Test
  void shouldExitNonZeroWithTheDifferingRowsWhenVerificationFails() {
    assertEquals(0, trickleOnDb("create", "t", "--query", "SELECT region, amount FROM orders").exitCode());
    db.execute("SET pgtrickle.maintenance = 'on'; UPDATE t SET amount = 99 WHERE region = 'north'");
    Run run = trickleOnDb("verify", "--all");
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.out().contains("MISMATCH public.t: 1 extra, 1 missing rows"), run.out());
    assertTrue(run.out().contains("+ (north,99)") && run.out().contains("- (north,10)"), run.out());
  }

  /** Catalog rows, public relations, triggers and the victim table: what a refused command must leave alone. */
  private static List<List<Object>> state() {
    return db.query("SELECT (SELECT count(*) FROM pgtrickle.pgt_stream_tables), (SELECT count(*) FROM pgtrickle.pgt_sinks), "
        + "(SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace), "
        + "(SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal), to_regclass('public.orders') IS NOT NULL, "
        + "(SELECT string_agg(status || schedule || refresh_mode, ',') FROM pgtrickle.pgt_stream_tables)");
  }

  @Test
  void shouldRefuseInjectionInEveryCommandAndOption() {
    assertEquals(0, trickleOnDb("create", "t", "--query", "SELECT region, amount FROM orders").exitCode());
    List<List<Object>> before = state();
    String drop = "x'; DROP TABLE orders; --";
    String[][] refused = {
        {"create", drop, "--query", "SELECT 1 AS x"},
        {"create", "u", "--query", "SELECT 1 AS x; DROP TABLE orders"},
        {"create", "u", "--query", "SELECT 1 AS x", "--schedule", drop},
        {"create", "u", "--query", "SELECT 1 AS x", "--mode", drop},
        {"create", "u", "--query", "SELECT region FROM orders", "--sink", "ducklake", "--sink-path", "s3://lake/" + drop + "/"},
        {"create", "u", "--query", "SELECT region FROM orders", "--sink", "ducklake", "--sink-path", "s3://lake/t/",
            "--sink-catalog", drop},
        {"create", "u", "--query", "SELECT region FROM orders", "--sink", drop, "--sink-path", "s3://lake/t/"},
        {"alter", "t", "--schedule", drop},
        {"alter", "t", "--status", drop},
        {"alter", "t", "--query", "SELECT 1 AS x) q; DROP TABLE orders; --"},
        {"alter", drop, "--schedule", "1s"},
        {"drop", drop},
        {"refresh", drop},
        {"suspend", drop},
        {"resume", drop},
        {"history", drop},
        {"explain", drop},
        {"verify", drop},
        {"advise", drop}};
    for (String[] command : refused) {
      Run run = trickleOnDb(command);
      assertEquals(1, run.exitCode(), String.join(" ", command) + ": " + run);
      assertEquals(1, run.err().lines().count(), run.err());
      assertTrue(run.err().startsWith("trickle: "), run.err());
      assertEquals(before, state(), "nothing changed after: " + String.join(" ", command));
    }
    assertFailsWithOneLine(trickleOnDb("history", "t", "--limit", "-5"), 1, "limit");
    assertFailsWithOneLine(trickleOnDb("history", "t", "--limit", "many"), 2, "many");
    assertFailsWithOneLine(trickle("cluster", "leave", drop, "--node", "127.0.0.1:1"), 1, "127.0.0.1:1");
    assertEquals(before, state());
  }

  @Test
  void shouldReportBadInputInOneLine() {
    assertFailsWithOneLine(trickleOnDb("create", "t", "--query", "SELEC 1"), 1, "syntax error");
    assertFailsWithOneLine(trickleOnDb("create", "t", "--query", "DELETE FROM orders"), 1,
        "must be a SELECT statement, got DELETE");
    assertFailsWithOneLine(trickleOnDb("create", "t", "--query", "SELECT 1 AS x", "--mode", "DIFFERENTIAL"), 1,
        "DIFFERENTIAL refresh cannot maintain a query without FROM");
    assertFailsWithOneLine(trickleOnDb("create", "t", "--query", "SELECT 1 AS x", "--mode", "FAST"), 1,
        "invalid refresh mode 'FAST'");
    assertFailsWithOneLine(trickleOnDb("create", "t", "--query", "SELECT 1 AS x", "--schedule", "often"), 1,
        "invalid schedule");
    assertFailsWithOneLine(trickleOnDb("refresh", "nope"), 1, "stream table 'nope' does not exist");
    assertFailsWithOneLine(trickleOnDb("create", "t"), 2, "Missing required option: '--query=SQL'");
    assertFailsWithOneLine(trickle("status", "--db", "postgresql://nobody@127.0.0.1:1/none"), 1, "Connection");
    assertFailsWithOneLine(trickle("status", "--db", "mysql://x"), 1, "unsupported database URL");
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables"));
  }

  @Test
  void shouldTellUsersToInstallTheCatalog() {
    db.execute("DROP SCHEMA pgtrickle CASCADE", "DROP SCHEMA pgtrickle_changes CASCADE");
    assertFailsWithOneLine(trickleOnDb("status"), 1, "run: trickle install");
  }

  @Test
  void shouldRunTheLeaderboardDemoAgainstAGivenDatabase() throws IOException {
    Path lake = Files.createTempDirectory("demo-lake-");
    Run run = trickleOnDb("demo", "leaderboard", "--duration", "12", "--rate", "100", "--s3", lake.toUri().toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("top_players refreshed: DIFFERENTIAL"), run.out());
    assertTrue(run.out().contains("rank  player"), run.out());
    assertTrue(db.queryLong("SELECT count(*) FROM top_players") > 10);
    assertEquals(0, trickleOnDb("verify", "--all").exitCode());
    assertTrue(db.queryLong("SELECT count(*) FROM pgtrickle.pgt_ducklake_provenance") >= 2, "deltas delivered to the lake");
    try (Stream<Path> files = Files.walk(lake)) {
      assertTrue(files.anyMatch(file -> file.toString().contains("top_players") && file.toString().endsWith(".parquet")));
    }
  }
}
