package dev.trickle.node.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trickle.sinks.ducklake.Delivery;
import dev.trickle.sinks.ducklake.SinkDelivery;
import dev.trickle.sinks.store.ObjectStores;
import dev.trickle.sinks.store.S3Settings;
import dev.trickle.testkit.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The leaderboard demo writes a Parquet delta per refresh that DuckDB reads: the provenance rows
 * name exactly the files in the lake, and every query of analytics/leaderboard_history.py (the
 * same text as in the notebook) runs on them through DuckDB, the replayed leaderboard equal to
 * top_players in PostgreSQL.
 */
class LeaderboardLakeTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create();
  private static final Path SCRIPT = Path.of("..", "analytics", "leaderboard_history.py");
  private static final Path NOTEBOOK = Path.of("..", "analytics", "leaderboard_analysis.ipynb");
  private static final Pattern QUERY = Pattern.compile("\"(\\w+)\": \"\"\"(.*?)\"\"\"", Pattern.DOTALL);

  private static Map<String, String> scriptQueries() throws Exception {
    Map<String, String> queries = new LinkedHashMap<>();
    Matcher query = QUERY.matcher(Files.readString(SCRIPT));
    while (query.find()) {
      queries.put(query.group(1), query.group(2));
    }
    return queries;
  }

  private static List<List<String>> duckdb(Connection duck, String sql) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (Statement statement = duck.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
          row.add(result.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void shouldWriteADeltaPerRefreshThatTheAnalyticsQueriesRead() throws Exception {
    Path lake = Files.createTempDirectory("leaderboard-lake-");
    StringWriter output = new StringWriter();
    new DemoRunner(new LeaderboardScenario(new Pace(100), 3, lake.toUri().toString()), db.url(), 0, 1, new PrintWriter(output, true))
        .run(Duration.ofSeconds(14));
    SinkDelivery delivery = new SinkDelivery(db.url()::connect, path -> ObjectStores.open(path, S3Settings.fromEnvironment(
        Map.of())), Files.createTempDirectory("delivery-"));
    for (List<Object> sink : db.query("SELECT pgt_id FROM pgtrickle.pgt_sinks")) {
      // Delivers what the stopped node had not delivered yet, so the lake is complete.
      Optional<Delivery> delivered = delivery.deliverNext(((Number) sink.get(0)).longValue());
      while (delivered.isPresent()) {
        delivered = delivery.deliverNext(((Number) sink.get(0)).longValue());
      }
    }

    List<String> files;
    try (Stream<Path> walk = Files.walk(lake)) {
      files = walk.filter(file -> file.toString().endsWith(".parquet")).map(file -> lake.relativize(file).toString())
          .sorted().toList();
    }
    List<String> provenance = db.query("SELECT file_path FROM pgtrickle.pgt_ducklake_provenance ORDER BY 1").stream()
        .map(row -> (String) row.get(0)).toList();
    assertTrue(files.size() >= 4, "files: " + files);
    assertEquals(files.size(), provenance.size(), "one provenance row per file");
    for (String path : provenance) {
      assertTrue(files.stream().anyMatch(path::endsWith), path + " is in the lake");
    }
    assertEquals(db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_sinks k "
        + "USING (pgt_id) WHERE h.status = 'COMPLETED' AND h.delta_row_count > 0"), provenance.size(),
        "every refresh with a delta has its file");

    Map<String, String> queries = scriptQueries();
    assertEquals(List.of("deltas_per_refresh", "current_leaderboard", "rank_history_of_leaders", "leader_changes",
        "games_over_time"), List.copyOf(queries.keySet()));
    JsonNode notebook = new ObjectMapper().readTree(NOTEBOOK.toFile());
    StringBuilder cells = new StringBuilder();
    notebook.get("cells").forEach(cell -> cell.get("source").forEach(line -> cells.append(line.asText())));
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      for (Map.Entry<String, String> query : queries.entrySet()) {
        assertTrue(cells.toString().contains(query.getKey() + " = \"\"\"" + query.getValue() + "\"\"\""),
            query.getKey() + " is the same in the notebook");
        List<List<String>> rows = duckdb(duck, query.getValue().replace("$LAKE", lake + "/"));
        assertTrue(!rows.isEmpty(), query.getKey() + " returned rows");
      }
      List<List<String>> replayed = duckdb(duck, queries.get("current_leaderboard").replace("$LAKE", lake + "/"));
      List<List<String>> live = new ArrayList<>();
      for (List<Object> row : db.query("SELECT rank, player_name, total_score, games_played FROM top_players "
          + "ORDER BY rank, player_name LIMIT 10")) {
        live.add(row.stream().map(String::valueOf).toList());
      }
      assertEquals(live, replayed, "the leaderboard replayed from the lake equals top_players");
    }
  }
}
