package dev.trickle.catalog;

import static dev.trickle.catalog.CatalogTesting.assertMatchesQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.testkit.TestDatabase;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL is the oracle: after random committed and rolled-back writes, every stream
 * table equals its defining query (EXCEPT ALL both ways). Replay a failure with
 * {@code -Dtrickle.seed=N}.
 */
class FullRefreshOracleTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  /** Stream tables in dependency order (later ones may read earlier ones). */
  private static final Map<String, String> STREAM_TABLES = new LinkedHashMap<>();

  static {
    STREAM_TABLES.put("by_region", "SELECT region, count(*) AS accounts, sum(balance) AS total FROM accounts GROUP BY region");
    STREAM_TABLES.put("kind_by_region", "SELECT a.region, e.kind, sum(e.amount) AS amount, count(*) AS n "
        + "FROM events e JOIN accounts a ON a.id = e.account_id GROUP BY 1, 2");
    STREAM_TABLES.put("all_readings", "SELECT sensor, value FROM readings");
    STREAM_TABLES.put("activity", "SELECT a.id, a.region, count(e.id) AS events, coalesce(sum(e.amount), 0) AS amount "
        + "FROM accounts a LEFT JOIN events e ON e.account_id = a.id GROUP BY a.id, a.region");
    STREAM_TABLES.put("ranked_events", "SELECT account_id, amount, rank() OVER (PARTITION BY account_id ORDER BY amount DESC) AS r "
        + "FROM events");
    STREAM_TABLES.put("daily", "SELECT day / 10 AS decade, sum(value) AS total, count(DISTINCT sensor) AS sensors "
        + "FROM measurements GROUP BY 1");
    STREAM_TABLES.put("kinds", "SELECT DISTINCT kind FROM events");
    STREAM_TABLES.put("unnoted", "SELECT * FROM events WHERE note IS NULL AND amount BETWEEN 0 AND 150");
    STREAM_TABLES.put("totals", "SELECT count(*) AS n, max(amount) AS top, bool_and(amount > -100) AS sane FROM events");
    STREAM_TABLES.put("richest", "SELECT id, balance FROM accounts ORDER BY balance DESC, id LIMIT 5");
    STREAM_TABLES.put("big_regions", "SELECT region, total FROM by_region WHERE total > 500");
    STREAM_TABLES.put("region_activity", "SELECT b.region, b.total, sum(a.events) AS events "
        + "FROM by_region b JOIN activity a ON a.region IS NOT DISTINCT FROM b.region GROUP BY b.region, b.total");
  }

  @BeforeAll
  static void createSchema() {
    db.execute(RandomWorkload.SCHEMA);
    STREAM_TABLES.forEach((name, query) ->
        db.execute("SELECT pgtrickle.create_stream_table('" + name + "', $q$" + query + "$q$, '1m', 'FULL')"));
  }

  @Test
  void shouldEqualTheQueryAfterEveryRefresh() throws Exception {
    long seed = Long.getLong("trickle.seed", System.nanoTime());
    int cycles = Integer.getInteger("trickle.cycles", 25);
    RandomWorkload workload = new RandomWorkload(seed);
    try (Connection connection = db.connect()) {
      for (int cycle = 1; cycle <= cycles; cycle++) {
        for (int transaction = 0; transaction < 3; transaction++) {
          workload.runTransaction(connection);
        }
        for (String name : STREAM_TABLES.keySet()) {
          db.execute("SELECT pgtrickle.refresh_stream_table('" + name + "')");
          assertMatchesQuery(db, name, "seed " + seed + ", cycle " + cycle);
        }
      }
    }
    assertEquals(0, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE status <> 'COMPLETED'"),
        "seed " + seed);
  }
}
