package dev.trickle.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.protocol.RefreshMode;
import dev.trickle.testkit.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The change ratio each refresh records, AUTO's cost model, and the efficiency report and advisor built on them. */
class RefreshEfficiencyTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  private final StreamTableCatalog catalog = new StreamTableCatalog(db.url()::connect);

  @BeforeEach
  void createSources() {
    db.execute(CatalogTesting.DROP_ALL_STREAM_TABLES,
        "DROP TABLE IF EXISTS plays",
        "CREATE TABLE plays (id serial PRIMARY KEY, player int, score int)",
        "INSERT INTO plays (player, score) SELECT g % 20, g FROM generate_series(1, 1000) g",
        "ANALYZE plays");
    CatalogTesting.definitions(db).create(new StreamTableDefinition("per_player",
        "SELECT player, sum(score) AS total FROM plays GROUP BY player", "1m", RefreshMode.AUTO, true));
  }

  @Test
  void shouldRecordEachRefreshsChangeRatioAndReportTheCostByAction() {
    for (int i = 0; i < 4; i++) {
      db.execute("INSERT INTO plays (player, score) SELECT g % 20, g FROM generate_series(1, 10) g",
          "SELECT pgtrickle.refresh_stream_table('per_player')");
    }
    assertEquals(List.of(List.of(4L, 4L)), db.query("SELECT count(*), count(*) FILTER (WHERE change_ratio "
        + "BETWEEN 0.009 AND 0.011) FROM pgtrickle.pgt_refresh_history WHERE action = 'DIFFERENTIAL'"));
    RefreshEfficiency efficiency = catalog.efficiency().get(0);
    assertEquals("public.per_player", efficiency.streamTable());
    assertEquals(4, efficiency.diffCount());
    assertEquals(1, efficiency.fullCount());
    assertNotNull(efficiency.diffSpeedup());
    ModeRecommendation advice = catalog.recommendation("per_player");
    assertTrue(List.of("DIFFERENTIAL", "FULL", "AUTO").contains(advice.recommendedMode()), advice.toString());
    assertTrue(advice.signals().contains("\"diff_count\": 4"), advice.signals());
  }

  @Test
  void shouldRefreshFullWhenHistoryPredictsDifferentialCostsMore() {
    long id = (Long) db.query("SELECT (pgtrickle._find('per_player')).pgt_id").get(0).get(0);
    db.execute("INSERT INTO pgtrickle.pgt_refresh_history (pgt_id, start_time, end_time, action, status, change_ratio) "
        + "SELECT " + id + ", now() - interval '1 s', now() - interval '1 s' + g * interval '1 s', 'DIFFERENTIAL', "
        + "'COMPLETED', g * 0.01 FROM generate_series(1, 6) g",
        "INSERT INTO pgtrickle.pgt_refresh_history (pgt_id, start_time, end_time, action, status) "
        + "VALUES (" + id + ", now(), now() + interval '5 ms', 'FULL', 'COMPLETED')");
    db.execute("INSERT INTO plays (player, score) VALUES (1, 1)", "SELECT pgtrickle.refresh_stream_table('per_player')");
    List<Object> last = db.query("SELECT action, reason FROM pgtrickle.pgt_refresh_history WHERE pgt_id = " + id
        + " ORDER BY refresh_id DESC LIMIT 1").get(0);
    assertEquals("FULL", last.get(0));
    assertTrue(((String) last.get(1)).startsWith("the cost model predicts "), (String) last.get(1));
    assertEquals("FULL", catalog.recommendation("per_player").recommendedMode());
  }
}
