package dev.trickle.node.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.catalog.StreamTableVerifier;
import dev.trickle.catalog.Verification;
import dev.trickle.node.monitor.Monitor;
import dev.trickle.testkit.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed guides' real-time scenarios, each run for a while against its own database: live data
 * in every stream table, every stream table equal to its query, the DAG levels of the guide, and
 * the SQL the guide has users type returns rows.
 */
class DemoScenariosTest {
  @RegisterExtension static final TestDatabase fraudDb = TestDatabase.create();
  @RegisterExtension static final TestDatabase ecommerceDb = TestDatabase.create();
  @RegisterExtension static final TestDatabase financeDb = TestDatabase.create();
  private static final Duration RUN = Duration.ofSeconds(25);

  private static String run(Scenario scenario, TestDatabase db, int nodes) throws InterruptedException {
    StringWriter output = new StringWriter();
    new DemoRunner(scenario, db.url(), 0, nodes, new PrintWriter(output, true)).run(RUN);
    for (Verification verification : new StreamTableVerifier(db.url()::connect).verifyAll()) {
      assertTrue(verification.matches(), verification.toString());
    }
    return output.toString();
  }

  private static Map<String, Integer> levels(TestDatabase db) {
    Map<String, Integer> levels = new TreeMap<>();
    for (JsonNode node : new Monitor(db.url()::connect).dag().get("nodes")) {
      if (node.get("kind").asText().equals("stream_table")) {
        levels.put(node.get("name").asText().replace("public.", ""), node.get("level").asInt());
      }
    }
    return levels;
  }

  private static void assertRows(TestDatabase db, String sql) {
    assertTrue(!db.query(sql).isEmpty(), "no rows from: " + sql);
  }

  private static void assertEveryTableHasRows(TestDatabase db) {
    for (List<Object> row : db.query("SELECT pgt_name, status FROM pgtrickle.pgt_stream_tables")) {
      assertEquals("ACTIVE", row.get(1), row.get(0) + " is active");
      assertTrue(db.queryLong("SELECT count(*) FROM " + row.get(0)) > 0, row.get(0) + " has rows");
    }
    assertTrue(db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE action = 'DIFFERENTIAL'") > 0,
        "refreshed differentially");
  }

  private static final String HISTORY = """
      SELECT st.pgt_name, rh.action, rh.status,
             (rh.end_time - rh.start_time) AS duration, rh.start_time
      FROM pgtrickle.pgt_refresh_history rh
      JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = rh.pgt_id
      ORDER  BY rh.start_time DESC LIMIT 20""";

  @Test
  void shouldRunTheFraudPipelineWithItsDiamond() throws InterruptedException {
    String output = run(new FraudScenario(new Pace(2), 42), fraudDb, 3);
    assertTrue(output.contains("Cluster:       3 nodes;"), output);
    assertTrue(output.contains("risk_scores refreshed: DIFFERENTIAL"), output);
    assertEquals(Map.of("user_velocity", 1, "merchant_stats", 1, "category_volume", 1, "merchant_tier_stats", 1,
        "risk_scores", 2, "country_risk", 2, "alert_summary", 3, "top_risky_merchants", 3, "top_10_risky_merchants", 4),
        levels(fraudDb));
    assertEquals("DIFFERENTIAL", fraudDb.queryValue(
        "SELECT effective_refresh_mode FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'risk_scores'"));
    assertEveryTableHasRows(fraudDb);
    assertRows(fraudDb, "SELECT * FROM pgtrickle.pgt_status()");
    assertRows(fraudDb, "SELECT tree_line FROM pgtrickle.dependency_tree() ORDER BY tree_line");
    assertRows(fraudDb, """
        SELECT txn_id, user_name, merchant_name, amount, risk_level
        FROM   risk_scores
        WHERE  risk_level = 'HIGH'
        ORDER  BY txn_id DESC LIMIT 10""");
    fraudDb.execute("SELECT pgtrickle.refresh_stream_table('risk_scores')");
    assertRows(fraudDb, HISTORY);
  }

  @Test
  void shouldRunTheEcommercePipeline() throws InterruptedException {
    run(new EcommerceScenario(new Pace(2), 7), ecommerceDb, 1);
    assertEquals(Map.of("product_sales", 1, "customer_stats", 1, "category_revenue", 1, "catalog_price_impact", 1,
        "country_revenue", 2, "top_10_customers", 2), levels(ecommerceDb));
    assertEveryTableHasRows(ecommerceDb);
    assertRows(ecommerceDb, "SELECT * FROM category_revenue ORDER BY revenue DESC");
    assertEquals(10L, ecommerceDb.queryLong("SELECT count(*) FROM (SELECT * FROM top_10_customers) t"));
    assertRows(ecommerceDb, """
        SELECT product_name, base_price, current_price, pct_change
        FROM   catalog_price_impact
        ORDER  BY ABS(pct_change) DESC""");
    assertRows(ecommerceDb, """
        SELECT pgt_name, avg_diff_ms, diff_speedup, avg_change_ratio
        FROM   pgtrickle.refresh_efficiency()
        ORDER  BY pgt_name""");
  }

  @Test
  void shouldCascadeDownTheTenLevelFinanceDag() throws InterruptedException {
    run(new FinanceScenario(new Pace(3), 11), financeDb, 1);
    assertEquals(Map.ofEntries(Map.entry("price_snapshot", 1), Map.entry("net_positions", 1),
        Map.entry("position_values", 2), Map.entry("account_pnl", 3), Map.entry("portfolio_pnl", 4),
        Map.entry("sector_exposure", 5), Map.entry("var_contributions", 6), Map.entry("account_var", 7),
        Map.entry("portfolio_var", 8), Map.entry("regulatory_capital", 9), Map.entry("breach_dashboard", 10)),
        levels(financeDb));
    assertEquals(9L, financeDb.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE schedule = 'calculated'"));
    assertEveryTableHasRows(financeDb);
    assertRows(financeDb, "SELECT symbol, sector, bid, ask, mid FROM price_snapshot ORDER BY symbol");
    assertRows(financeDb, "SELECT account_id, instrument_symbol, net_quantity, position_value FROM net_positions "
        + "WHERE net_quantity != 0");
    assertRows(financeDb, "SELECT portfolio_name, pnl, portfolio_var_95pct FROM portfolio_var ORDER BY portfolio_name");
    assertRows(financeDb, "SELECT rank, portfolio_name, capital_required, capital_limit, utilization_ratio "
        + "FROM breach_dashboard ORDER BY rank");
    assertRows(financeDb, """
        SELECT pgt_name, avg_change_ratio, diff_speedup
        FROM   pgtrickle.refresh_efficiency()
        WHERE  pgt_id <= 10
        ORDER  BY pgt_id""");
    assertTrue(financeDb.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables "
        + "st USING (pgt_id) WHERE st.pgt_name = 'breach_dashboard' AND h.action = 'DIFFERENTIAL'") > 0,
        "changes reached level 10 differentially");
  }
}
