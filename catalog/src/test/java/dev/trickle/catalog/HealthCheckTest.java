package dev.trickle.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.protocol.StreamTableId;
import dev.trickle.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * health_check() names what is wrong (no node, ERROR, suspended, failing, stale, growing buffers,
 * lagging sinks), quick_health sums it up, and every event reaches LISTENers of pg_trickle_alert
 * as JSON, lasting conditions once.
 */
class HealthCheckTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamTableDefinitions definitions;
  private Connection listener;

  @BeforeEach
  void createStreamTable() throws SQLException {
    definitions = CatalogTesting.definitions(db);
    db.execute(CatalogTesting.DROP_ALL_STREAM_TABLES, "DROP TABLE IF EXISTS scores",
        "DELETE FROM pgtrickle.pgt_nodes", "DELETE FROM pgtrickle.pgt_alert_conditions",
        "CREATE TABLE scores (id int PRIMARY KEY, player text, points int)",
        "INSERT INTO scores SELECT g, 'p' || (g % 7), g FROM generate_series(1, 100) g");
    definitions.create(new StreamTableDefinition("totals",
        "SELECT player, sum(points) AS total FROM scores GROUP BY player", "1s", RefreshMode.DIFFERENTIAL, true));
    definitions.compilePending();
    listener = db.connect();
    try (Statement statement = listener.createStatement()) {
      statement.execute("LISTEN pg_trickle_alert");
    }
  }

  @AfterEach
  void closeListener() throws SQLException {
    listener.close();
  }

  private Map<String, String[]> health() {
    Map<String, String[]> checks = new LinkedHashMap<>();
    for (List<Object> row : db.query("SELECT check_name, severity, detail FROM pgtrickle.health_check()")) {
      checks.put((String) row.get(0), new String[] {(String) row.get(1), (String) row.get(2)});
    }
    return checks;
  }

  private List<JsonNode> alerts() throws Exception {
    List<JsonNode> events = new ArrayList<>();
    try (Statement statement = listener.createStatement()) {
      statement.execute("SELECT 1");
    }
    PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(2000);
    for (PGNotification notification : notifications == null ? new PGNotification[0] : notifications) {
      events.add(JSON.readTree(notification.getParameter()));
    }
    return events;
  }

  private static JsonNode only(List<JsonNode> alerts, String event) {
    List<JsonNode> matching = alerts.stream().filter(a -> a.path("event").asText().equals(event)).toList();
    assertEquals(1, matching.size(), "one " + event + " alert in " + alerts);
    return matching.get(0);
  }

  private void heartbeat() {
    db.execute("SELECT pgtrickle._node_heartbeat('pekko://trickle@10.0.0.1:25520', 'http://10.0.0.1:8080', now())");
  }

  @Test
  void shouldReportANodelessInstallationAndThenHealth() throws Exception {
    Map<String, String[]> checks = health();
    assertEquals("ERROR", checks.get("nodes")[0]);
    assertTrue(checks.get("nodes")[1].contains("1 stream table(s) are not being refreshed"), checks.get("nodes")[1]);
    assertEquals(List.of(List.of("ERROR", 1L, "nodes")),
        db.query("SELECT status, nodes_alive + 1, failing_checks FROM pgtrickle.quick_health"));

    heartbeat();
    checks = health();
    assertEquals(List.of("nodes", "error_tables", "suspended_tables", "consecutive_errors", "stale_tables",
        "buffer_growth", "sink_lag"), List.copyOf(checks.keySet()));
    checks.forEach((check, result) -> assertEquals("OK", result[0], check + ": " + result[1]));
    assertTrue(checks.get("nodes")[1].contains("pekko://trickle@10.0.0.1:25520"));
    assertEquals(List.of(List.of("OK", 1L, 1L, "")),
        db.query("SELECT status, total_stream_tables, nodes_alive, failing_checks FROM pgtrickle.quick_health"));
    assertEquals(List.of(), alerts());

    db.execute("SELECT pgtrickle._node_left('pekko://trickle@10.0.0.1:25520')");
    assertEquals("ERROR", health().get("nodes")[0]);
  }

  @Test
  void shouldAlertOnFailuresSuspensionAndResumption() throws Exception {
    Refresher refresher = CatalogTesting.refresher(db);
    long id = db.queryLong("SELECT pgt_id FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'totals'");
    db.execute("SELECT pgtrickle._record_failure(" + id + ", 'DIFFERENTIAL', 'SCHEDULER', now(), 'division by zero')");
    JsonNode failed = only(alerts(), "refresh_failed");
    assertEquals("public.totals", failed.get("stream_table").asText());
    assertEquals("division by zero", failed.get("error").asText());
    assertEquals(1, failed.get("consecutive_errors").asInt());
    assertEquals("WARN", health().get("consecutive_errors")[0]);

    refresher.suspend(new StreamTableId(id), "suspended after 1 consecutive failed refreshes; last error: division by zero");
    JsonNode suspended = only(alerts(), "auto_suspended");
    assertEquals("public.totals", suspended.get("stream_table").asText());
    assertEquals(1, suspended.get("consecutive_errors").asInt());
    refresher.suspend(new StreamTableId(id), "again");
    assertEquals(List.of(), alerts(), "a suspended table is not suspended again");
    assertTrue(health().get("suspended_tables")[1].contains("public.totals"));

    db.execute("SELECT pgtrickle.resume_stream_table('totals')");
    only(alerts(), "resumed");
    db.execute("SELECT pgtrickle.alter_stream_table('totals', status => 'SUSPENDED')");
    only(alerts(), "suspended");
  }

  @Test
  void shouldAlertOnceWhileATableStaysStale() throws Exception {
    db.execute("UPDATE pgtrickle.pgt_stream_tables SET data_timestamp = now() - interval '1 minute' WHERE pgt_name = 'totals'");
    assertEquals("WARN", health().get("stale_tables")[0]);
    assertTrue(health().get("stale_tables")[1].contains("public.totals"));
    heartbeat();
    JsonNode stale = only(alerts(), "stale_data");
    assertEquals("public.totals", stale.get("stream_table").asText());
    assertTrue(stale.get("staleness_seconds").asDouble() >= 60, stale.toString());
    assertEquals(1.0, stale.get("expected_seconds").asDouble());
    heartbeat();
    assertEquals(List.of(), alerts(), "the condition holds: no second alert");

    db.execute("SELECT pgtrickle.refresh_stream_table('totals')");
    heartbeat();
    assertEquals("OK", health().get("stale_tables")[0]);
    db.execute("UPDATE pgtrickle.pgt_stream_tables SET data_timestamp = now() - interval '1 minute' WHERE pgt_name = 'totals'");
    heartbeat();
    only(alerts(), "stale_data");
  }

  @Test
  void shouldInheritTheSchedulesOfDownstreamTables() {
    definitions.create(new StreamTableDefinition("top_player",
        "SELECT player, total FROM totals WHERE total > 100", "calculated", RefreshMode.DIFFERENTIAL, true));
    definitions.create(new StreamTableDefinition("leader",
        "SELECT max(total) AS best FROM top_player", "2s", RefreshMode.DIFFERENTIAL, true));
    assertEquals(List.of(List.of("leader", "00:00:02"), List.of("top_player", "00:00:02"), List.of("totals", "00:00:01")),
        db.query("SELECT st.pgt_name, e.expected::text FROM pgtrickle._expected_intervals() e "
            + "JOIN pgtrickle.pgt_stream_tables st USING (pgt_id) ORDER BY 1"));
  }

  @Test
  void shouldAlertWhenAChangeBufferGrowsPastItsWarningSize() throws Exception {
    db.execute("ALTER DATABASE " + db.queryValue("SELECT current_database()") + " SET pgtrickle.buffer_warning_rows = 50");
    try {
      try (Connection writer = db.connect(); Statement statement = writer.createStatement()) {
        statement.execute("UPDATE scores SET points = points + 1");
        statement.execute("SELECT pg_stat_force_next_flush()");
      }
      try (Connection reader = db.connect(); Statement statement = reader.createStatement()) {
        statement.execute("SELECT pg_stat_clear_snapshot()");
      }
      assertEquals("WARN", health().get("buffer_growth")[0], health().get("buffer_growth")[1]);
      heartbeat();
      JsonNode growth = only(alerts(), "buffer_growth_warning");
      assertEquals("public.scores", growth.get("source_table").asText());
      assertEquals(50, growth.get("threshold").asInt());
    } finally {
      db.execute("ALTER DATABASE " + db.queryValue("SELECT current_database()") + " RESET pgtrickle.buffer_warning_rows");
    }
  }

  @Test
  void shouldAlertOnAFailedSinkDelivery() throws Exception {
    db.execute("SELECT pgtrickle.alter_stream_table('totals', sink => 'ducklake', ducklake_sink_path => 'file:///tmp/trickle-health/')");
    alerts();
    long id = db.queryLong("SELECT pgt_id FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'totals'");
    db.execute("SELECT pgtrickle._sink_failed(" + id + ", 'S3 is unreachable')");
    JsonNode failed = only(alerts(), "sink_failed");
    assertEquals("public.totals", failed.get("stream_table").asText());
    assertEquals("S3 is unreachable", failed.get("error").asText());
    assertEquals("WARN", health().get("sink_lag")[0]);
  }
}
