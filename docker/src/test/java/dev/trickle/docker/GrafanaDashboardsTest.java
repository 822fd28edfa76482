package dev.trickle.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every panel of every provisioned Grafana dashboard runs its SQL against a real database with
 * the demo schema (Grafana's $__timeFilter macro expanded as Grafana does), on the provisioned
 * datasource; time series return a time column.
 */
class GrafanaDashboardsTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create().withSetup(CatalogInstaller::install);
  private static final Path GRAFANA = Path.of("grafana");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([^)]+)\\)");

  /** A panel's query: where it is and what it says. */
  private record PanelQuery(String dashboard, String panel, String format, String sql, String datasourceUid) {}

  @BeforeAll
  static void createTheDemoSchema() throws IOException {
    try (InputStream script = GrafanaDashboardsTest.class.getResourceAsStream("/demo/leaderboard.sql")) {
      db.execute(new String(script.readAllBytes(), StandardCharsets.UTF_8),
          "INSERT INTO game_scores (player_id, player_name, game_id, score) "
              + "SELECT g % 30, 'player ' || (g % 30), g % 4, g FROM generate_series(1, 300) g",
          "SELECT pgtrickle.refresh_stream_table('top_players')", "SELECT pgtrickle.refresh_stream_table('scores_by_game')",
          "SELECT pgtrickle._node_heartbeat('pekko://trickle@127.0.0.1:25520', 'http://127.0.0.1:8080', now())");
    }
  }

  private static List<PanelQuery> queries() throws IOException {
    List<PanelQuery> queries = new ArrayList<>();
    try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode dashboard = JSON.readTree(file.toFile());
        collect(dashboard.get("title").asText(), dashboard.get("panels"), queries);
      }
    }
    return queries;
  }

  private static void collect(String dashboard, JsonNode panels, List<PanelQuery> queries) {
    for (JsonNode panel : panels) {
      if (panel.has("panels")) {
        collect(dashboard, panel.get("panels"), queries);
      }
      for (JsonNode target : panel.path("targets")) {
        queries.add(new PanelQuery(dashboard, panel.get("title").asText(), target.path("format").asText("table"),
            target.get("rawSql").asText(), target.path("datasource").path("uid").asText()));
      }
    }
  }

  @Test
  void shouldProvisionBothDashboards() throws IOException {
    List<String> titles = new ArrayList<>();
    try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
      for (Path file : files.sorted().toList()) {
        JsonNode dashboard = JSON.readTree(file.toFile());
        titles.add(dashboard.get("title").asText());
        assertFalse(dashboard.get("uid").asText().isEmpty(), file + " has a uid");
      }
    }
    assertEquals(List.of("Multi-Engine Leaderboard", "Trickle Overview"), titles);
    JsonNode leaderboard = JSON.readTree(GRAFANA.resolve("dashboards/leaderboard.json").toFile());
    assertEquals("5s", leaderboard.get("refresh").asText(), "the leaderboard refreshes every 5 s");
  }

  @Test
  void shouldRunEveryPanelQueryOnTheProvisionedDatasource() throws Exception {
    String datasource = Files.readString(GRAFANA.resolve("provisioning/datasources/trickle.yml"));
    Matcher uid = Pattern.compile("uid: (\\S+)").matcher(datasource);
    assertTrue(uid.find(), "the datasource has a uid");
    List<PanelQuery> queries = queries();
    assertTrue(queries.size() >= 15, "panels found: " + queries.size());
    try (Connection connection = db.connect()) {
      for (PanelQuery query : queries) {
        String where = query.dashboard() + " / " + query.panel();
        assertEquals(uid.group(1), query.datasourceUid(), where + " reads the provisioned datasource");
        String sql = TIME_FILTER.matcher(query.sql()).replaceAll("$1 BETWEEN now() - interval '1 hour' AND now()");
        assertFalse(sql.contains("$"), where + " uses a macro or variable the test does not know: " + sql);
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
          ResultSetMetaData meta = rows.getMetaData();
          if (query.format().equals("time_series")) {
            assertEquals("time", meta.getColumnLabel(1), where + ": a time series starts with its time column");
          }
          int count = 0;
          while (rows.next()) {
            count++;
          }
          if (query.panel().equals("Top players")) {
            assertEquals(10, count, where);
          }
        } catch (SQLException e) {
          throw new AssertionError(where + ": " + e.getMessage() + "\n" + sql, e);
        }
      }
    }
  }
}
