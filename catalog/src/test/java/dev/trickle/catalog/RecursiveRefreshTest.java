package dev.trickle.catalog;

import static dev.trickle.catalog.CatalogTesting.assertMatchesQuery;
import static dev.trickle.catalog.CatalogTesting.lastAction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.protocol.RefreshMode;
import dev.trickle.testkit.TestDatabase;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WITH RECURSIVE stream tables: delete-and-rederive over the stored rows, and the depth guard. */
class RecursiveRefreshTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  private static final String CLOSURE = "WITH RECURSIVE reach(src, dst) AS ("
      + "SELECT src, dst FROM edges WHERE active UNION "
      + "SELECT r.src, e.dst FROM reach r JOIN edges e ON e.src = r.dst WHERE e.active) SELECT src, dst FROM reach";

  private StreamTableDefinitions definitions;

  @BeforeEach
  void createSources() {
    definitions = CatalogTesting.definitions(db);
    db.execute(CatalogTesting.DROP_ALL_STREAM_TABLES, "DROP TABLE IF EXISTS edges",
        "CREATE TABLE edges (id serial PRIMARY KEY, src int NOT NULL, dst int NOT NULL, active boolean NOT NULL DEFAULT true)");
  }

  private void create(String name, String query) {
    definitions.create(new StreamTableDefinition(name, query, "1m", RefreshMode.DIFFERENTIAL, true));
  }

  private static List<Object> lastCounts(String name) {
    return db.query("SELECT action, rows_inserted, rows_deleted FROM pgtrickle.pgt_refresh_history "
        + "WHERE pgt_id = (pgtrickle._find('" + name + "')).pgt_id ORDER BY refresh_id DESC LIMIT 1").get(0);
  }

  @Test
  void shouldDeriveOnlyWhatAnInsertedEdgeAddsAndRederiveWhatAnotherPathStillReaches() {
    // 1 -> 2 -> 3 -> 4 and 1 -> 5 -> 3: 3 and 4 are reached from 1 two ways.
    db.execute("INSERT INTO edges (src, dst) VALUES (1, 2), (2, 3), (3, 4), (1, 5), (5, 3)");
    create("reach", CLOSURE);
    assertTrue(definitions.explain("reach").strategy().contains("delete-and-rederive"),
        definitions.explain("reach").strategy());
    // 4 -> 6 adds 6 as reached from 1, 2, 3, 4 and 5.
    db.execute("INSERT INTO edges (src, dst) VALUES (4, 6)", "SELECT pgtrickle.refresh_stream_table('reach')");
    assertEquals(List.of("DIFFERENTIAL", 5L, 0L), lastCounts("reach"));
    assertMatchesQuery(db, "reach", "after an inserted edge");
    // Without 2 -> 3, 1 still reaches 3, 4 and 6 through 5; only 2's rows go.
    db.execute("DELETE FROM edges WHERE src = 2 AND dst = 3", "SELECT pgtrickle.refresh_stream_table('reach')");
    assertEquals(List.of("DIFFERENTIAL", 0L, 3L), lastCounts("reach"));
    assertMatchesQuery(db, "reach", "after a deleted edge with another path");
    // An edge turned inactive and another moved, in one refresh, around a new cycle.
    db.execute("UPDATE edges SET active = false WHERE src = 5", "UPDATE edges SET src = 6, dst = 1 WHERE src = 1 AND dst = 2",
        "SELECT pgtrickle.refresh_stream_table('reach')");
    assertEquals("DIFFERENTIAL", lastAction(db, "reach"));
    assertMatchesQuery(db, "reach", "after updates closing a cycle");
  }

  @Test
  void shouldEqualItsQueryAfterRandomEdgeChangesOnACyclicGraph() {
    Random random = new Random(7);
    for (int i = 0; i < 40; i++) {
      db.execute("INSERT INTO edges (src, dst) VALUES (" + random.nextInt(15) + ", " + random.nextInt(15) + ")");
    }
    create("reach", CLOSURE);
    create("reach_from_zero", "WITH RECURSIVE r(node, via) AS (SELECT dst, src FROM edges WHERE src = 0 AND active "
        + "UNION SELECT e.dst, r.node FROM r JOIN edges e ON e.src = r.node WHERE e.active) SELECT node, via FROM r");
    for (int round = 0; round < 25; round++) {
      int changes = 1 + random.nextInt(4);
      for (int change = 0; change < changes; change++) {
        switch (random.nextInt(4)) {
          case 0 -> db.execute("INSERT INTO edges (src, dst) VALUES (" + random.nextInt(15) + ", " + random.nextInt(15) + ")");
          case 1 -> db.execute("DELETE FROM edges WHERE id = (SELECT id FROM edges ORDER BY random() LIMIT 1)");
          case 2 -> db.execute("UPDATE edges SET dst = " + random.nextInt(15)
              + " WHERE id = (SELECT id FROM edges ORDER BY random() LIMIT 1)");
          default -> db.execute("UPDATE edges SET active = NOT active WHERE id = (SELECT id FROM edges ORDER BY random() LIMIT 1)");
        }
      }
      db.execute("SELECT pgtrickle.refresh_stream_table('reach')", "SELECT pgtrickle.refresh_stream_table('reach_from_zero')");
      assertEquals("DIFFERENTIAL", lastAction(db, "reach"));
      assertMatchesQuery(db, "reach", "round " + round);
      assertMatchesQuery(db, "reach_from_zero", "round " + round);
    }
  }

  @Test
  void shouldStopAUnionAllRecursionThatGoesDeeperThanTheLimit() {
    String paths = "WITH RECURSIVE walk(node, steps) AS (SELECT dst, 1 FROM edges WHERE src = 0 UNION ALL "
        + "SELECT e.dst, w.steps + 1 FROM walk w JOIN edges e ON e.src = w.node) SELECT node, steps FROM walk";
    // A chain of 999 edges ends within the default 1,000 levels.
    db.execute("INSERT INTO edges (src, dst) SELECT g, g + 1 FROM generate_series(0, 998) g");
    create("walk", paths);
    assertEquals(List.of(List.of(999L)), db.query("SELECT count(*) FROM walk"));
    // Closing a cycle makes the recursion endless: the refresh fails and says why.
    db.execute("INSERT INTO edges (src, dst) VALUES (999, 0)");
    RuntimeException error = assertThrows(RuntimeException.class,
        () -> db.execute("SELECT pgtrickle.refresh_stream_table('walk')"));
    assertTrue(error.getMessage().contains("WITH RECURSIVE walk went deeper than pgtrickle.max_recursion_depth = 1000 levels"),
        error.getMessage());
    assertEquals(List.of(List.of(999L)), db.query("SELECT count(*) FROM walk"));
  }
}
