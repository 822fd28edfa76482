package dev.trickle.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.node.cluster.NodeOptions;
import dev.trickle.node.cluster.Ports;
import dev.trickle.node.cluster.TrickleNode;
import dev.trickle.sharding.database.ClusterDatabase;
import dev.trickle.testkit.Eventually;
import dev.trickle.testkit.TestDatabase;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node's HTTP server on the leaderboard schema: the JSON API answers what the OpenAPI document
 * promises, admin POSTs need the bearer token and change nothing without it, /metrics is valid
 * Prometheus text, and the dashboard renders live data in headless Chromium (a screenshot is
 * saved as target/dashboard.png).
 */
class HttpApiTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create().withSetup(CatalogInstaller::install);
  static final String TOKEN = "s3cret-admin-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static TrickleNode node;
  private static String base;

  @BeforeAll
  static void startNode() throws Exception {
    try (InputStream script = HttpApiTest.class.getResourceAsStream("/demo/leaderboard.sql")) {
      db.execute(new String(script.readAllBytes(), StandardCharsets.UTF_8),
          "INSERT INTO game_scores (player_id, player_name, game_id, score) "
              + "SELECT g % 20, 'player ' || (g % 20), g % 3, g FROM generate_series(1, 200) g");
    }
    System.setProperty("trickle.http.admin-token", TOKEN);
    ConfigFactory.invalidateCaches();
    int httpPort = Ports.free(18080);
    node = TrickleNode.start(new NodeOptions(Map.of(ClusterDatabase.defaultName(db.url()), db.url()), "127.0.0.1",
        Ports.free(25620), httpPort, Ports.free(18558), List.of()));
    base = "http://127.0.0.1:" + httpPort;
    Eventually.holds("both stream tables refreshed by the node", Duration.ofSeconds(60), () -> {
      JsonNode tables = get("/api/stream-tables");
      boolean ready = tables.size() == 2;
      for (JsonNode table : tables) {
        ready &= table.get("status").asText().equals("ACTIVE") && !table.get("node").isNull();
      }
      return ready;
    });
  }

  @AfterAll
  static void stopNode() {
    System.clearProperty("trickle.http.admin-token");
    ConfigFactory.invalidateCaches();
    if (node != null) {
      node.close();
    }
  }

  private static HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).method(method,
        HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode get(String path) {
    try {
      HttpResponse<String> response = send("GET", path, null);
      assertEquals(200, response.statusCode(), path + ": " + response.body());
      return JSON.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError(path + ": " + e.getMessage(), e);
    }
  }

  private static String status(String table) {
    return (String) db.queryValue("SELECT status FROM pgtrickle.pgt_stream_tables WHERE pgt_name = '" + table + "'");
  }

  @Test
  void shouldListStreamTablesWithTheirStateAndOwner() {
    JsonNode top = get("/api/stream-tables").get(1);
    assertEquals("public.top_players", top.get("name").asText());
    assertEquals("DIFFERENTIAL", top.get("refresh_mode").asText());
    assertEquals("5s", top.get("schedule").asText());
    assertEquals(db.queryLong("SELECT count(*) FROM top_players"), top.get("rows").asLong());
    assertTrue(top.get("node").asText().startsWith("pekko://trickle@127.0.0.1:"), top.toString());
    assertTrue(top.get("staleness_seconds").isNumber());
  }

  @Test
  void shouldDescribeOneStreamTableWithHistoryDagAndHealth() {
    JsonNode top = get("/api/stream-tables/top_players");
    assertEquals("public.top_players", top.get("name").asText());
    assertEquals(1, top.get("level").asInt());
    assertEquals("[\"public.game_scores\"]", top.get("upstream").toString());
    assertEquals(0, top.get("downstream").size());
    assertTrue(top.get("history").size() >= 1);
    assertEquals("ACTIVE", top.get("health").get("status").asText());
    assertTrue(top.get("defining_query").asText().contains("RANK()"));
    assertEquals(get("/api/stream-tables/public.top_players").get("id"), top.get("id"));
  }

  @Test
  void shouldAnswerEveryReadTheOpenApiDocumentDescribes() throws Exception {
    JsonNode document = get("/api/openapi.json");
    assertEquals("3.0.3", document.get("openapi").asText());
    Set<String> read = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
      if (path.getValue().has("get")) {
        String url = path.getKey().replace("{name}", "top_players");
        assertEquals(200, send("GET", url, null).statusCode(), url);
        read.add(url);
      }
    }
    assertTrue(read.containsAll(Set.of("/api/stream-tables", "/api/dag", "/api/health", "/api/history", "/metrics")));
  }

  @Test
  void shouldReportTheDagHealthPanelsAndHistory() {
    JsonNode dag = get("/api/dag");
    assertEquals(3, dag.get("nodes").size());
    assertEquals(Set.of("public.game_scores:0:source", "public.scores_by_game:1:stream_table",
        "public.top_players:1:stream_table"), Set.copyOf(dag.get("nodes").findValuesAsText("name").stream()
        .map(name -> {
          JsonNode node = dag.get("nodes").findParents("name").stream().filter(n -> n.get("name").asText().equals(name))
              .findFirst().orElseThrow();
          return name + ":" + node.get("level").asInt() + ":" + node.get("kind").asText();
        }).toList()));
    JsonNode health = get("/api/health");
    assertEquals("nodes", health.get("databases").get(0).get("checks").get(0).get("check_name").asText());
    assertEquals("OK", health.get("databases").get(0).get("checks").get(0).get("severity").asText());
    JsonNode panels = get("/api/panels");
    assertEquals("Leaderboard: top 10 players", panels.get(0).get("title").asText());
    assertEquals("[\"rank\",\"player_name\",\"total_score\",\"games_played\"]", panels.get(0).get("columns").toString());
    assertEquals(10, panels.get(0).get("rows").size());
    assertEquals(1, panels.get(0).get("rows").get(0).get(0).asInt());
    assertTrue(get("/api/history?limit=5").size() <= 5);
    assertEquals(404, uncheckedStatus("GET", "/api/stream-tables/no_such_table", null));
    assertEquals(400, uncheckedStatus("GET", "/api/history?limit=0", null));
    assertEquals(404, uncheckedStatus("GET", "/api/stream-tables?database=elsewhere", null));
  }

  private static int uncheckedStatus(String method, String path, String token) {
    try {
      return send(method, path, token).statusCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void shouldRefuseAdminActionsWithoutTheTokenAndChangeNothing() throws Exception {
    for (String action : List.of("suspend", "resume", "refresh")) {
      for (String token : new String[] {null, "wrong", TOKEN + "x"}) {
        HttpResponse<String> refused = send("POST", "/api/stream-tables/scores_by_game/" + action, token);
        assertEquals(401, refused.statusCode(), action + " with " + token);
        assertTrue(JSON.readTree(refused.body()).get("error").asText().contains("token"), refused.body());
      }
    }
    assertEquals(401, send("POST", "/api/cluster/leave?node=127.0.0.1:1", null).statusCode());
    assertEquals("ACTIVE", status("scores_by_game"));
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE initiated_by = 'MANUAL'"),
        "no refused refresh ran");

    HttpResponse<String> suspended = send("POST", "/api/stream-tables/scores_by_game/suspend", TOKEN);
    assertEquals(200, suspended.statusCode(), suspended.body());
    assertEquals("SUSPENDED", JSON.readTree(suspended.body()).get("state").get("status").asText());
    assertEquals("SUSPENDED", status("scores_by_game"));
    assertEquals(200, send("POST", "/api/stream-tables/scores_by_game/resume", TOKEN).statusCode());
    assertEquals(409, send("POST", "/api/stream-tables/scores_by_game/resume", TOKEN).statusCode());
    HttpResponse<String> refreshed = send("POST", "/api/stream-tables/scores_by_game/refresh", TOKEN);
    assertEquals(200, refreshed.statusCode(), refreshed.body());
    assertEquals(1L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE initiated_by = 'MANUAL'"));
    assertEquals(404, send("POST", "/api/stream-tables/scores_by_game/explode", TOKEN).statusCode());
    assertEquals(404, send("POST", "/api/stream-tables/nothing_here/refresh", TOKEN).statusCode());
  }

  @Test
  void shouldExposeMetricsInThePrometheusTextFormat() throws Exception {
    db.execute("INSERT INTO game_scores (player_id, player_name, game_id, score) VALUES (99, 'newcomer', 1, 5)");
    Eventually.holds("a differential refresh run on this node was measured", Duration.ofSeconds(30), () -> {
      try {
        return send("GET", "/metrics", null).body().contains("action=\"DIFFERENTIAL\"");
      } catch (Exception e) {
        return false;
      }
    });
    HttpResponse<String> response = send("GET", "/metrics", null);
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    List<PrometheusText.Sample> samples = PrometheusText.parse(response.body());
    Set<String> names = new TreeSet<>();
    samples.forEach(sample -> names.add(sample.name()));
    assertTrue(names.containsAll(Set.of("trickle_refresh_duration_seconds_bucket", "trickle_stream_table_staleness_seconds",
        "trickle_stream_table_consecutive_errors", "trickle_change_buffer_rows", "trickle_cluster_members",
        "trickle_cluster_shards", "trickle_database_up", "trickle_refresh_rows_applied_total")), names.toString());
    // The new row reaches top_players at its next refresh (every 5 s), perhaps between a scrape and the count.
    Eventually.holds("the rows of top_players", Duration.ofSeconds(30), () -> {
      try {
        long rows = db.queryLong("SELECT count(*) FROM top_players");
        return PrometheusText.parse(send("GET", "/metrics", null).body()).stream().anyMatch(sample ->
            sample.name().equals("trickle_stream_table_rows")
                && "public.top_players".equals(sample.labels().get("stream_table")) && sample.value() == rows);
      } catch (Exception e) {
        return false;
      }
    });
    assertTrue(samples.stream().anyMatch(sample -> sample.name().equals("trickle_cluster_members")
        && "Up".equals(sample.labels().get("status")) && sample.value() == 1));
  }

  @Test
  void shouldRenderLiveDataInHeadlessChromium() throws Exception {
    Optional<String> chromium = Chromium.find();
    if (System.getenv("TRICKLE_REQUIRE_BROWSER") != null) {
      assertTrue(chromium.isPresent(), "no chromium on PATH (apt-get install chromium, or set TRICKLE_CHROMIUM)");
    }
    Assumptions.assumeTrue(chromium.isPresent(), "no chromium on PATH: the browser test is skipped");
    String dom = Chromium.dumpDom(chromium.get(), base + "/", Duration.ofSeconds(9));
    Matcher updates = Pattern.compile("data-updates=\"(\\d+)\"").matcher(dom);
    assertTrue(updates.find() && Integer.parseInt(updates.group(1)) >= 2, "the page polled the API at least twice");
    assertTrue(dom.contains("data-live=\"true\""), "live data arrived");
    for (String table : List.of("public.top_players", "public.scores_by_game")) {
      assertTrue(dom.contains("<tr data-stream-table=\"" + table + "\">"), table + " in the stream tables");
      assertTrue(Pattern.compile("<g class=\"dag-node stream_table status-ACTIVE\" data-name=\"" + Pattern.quote(table)
          + "\" data-level=\"1\"").matcher(dom).find(), table + " drawn at level 1 of the DAG");
      assertTrue(dom.contains("data-from=\"public.game_scores\" data-to=\"" + table + "\""), "edge to " + table);
    }
    assertTrue(dom.contains("<g class=\"dag-node source status-none\" data-name=\"public.game_scores\" data-level=\"0\""));
    Matcher leaderboard = Pattern.compile("data-panel=\"Leaderboard: top 10 players\">.*?<tbody>(.*?)</tbody>").matcher(dom);
    assertTrue(leaderboard.find(), "the scenario panel shows the leaderboard");
    assertEquals(10, leaderboard.group(1).split("<tr>", -1).length - 1, "ten players on the leaderboard");
    assertTrue(dom.contains("id=\"timeline\"") && dom.contains("id=\"efficiency\"") && dom.contains("id=\"health-checks\""));

    Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
    Chromium.screenshot(chromium.get(), base + "/", screenshot, Duration.ofSeconds(9));
    assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the dashboard at " + screenshot);
  }

  @Test
  void shouldServeTheDashboard() throws Exception {
    HttpResponse<String> page = send("GET", "/", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<script src=\"/dashboard/app.js\">"));
    HttpResponse<String> script = send("GET", "/dashboard/app.js", null);
    assertEquals(200, script.statusCode());
    assertTrue(script.headers().firstValue("Content-Type").orElse("").contains("javascript"));
    assertFalse(send("GET", "/dashboard/style.css", null).body().isEmpty());
  }
}
