package dev.trickle.catalog;

import static dev.trickle.catalog.CatalogTesting.assertMatchesQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.protocol.RefreshAction;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.testkit.TestDatabase;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL is the oracle for the differential engine: every query of the corpus compiles to a
 * DIFFERENTIAL program and, after random committed and rolled-back writes, each refresh leaves
 * the stream table equal to its query (EXCEPT ALL both ways). Replay with -Dtrickle.seed=N;
 * run longer with -Dtrickle.cycles=N (or -Pfuzz).
 */
class DifferentialOracleTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  private static final Map<String, String> CORPUS = OracleCorpus.load();

  @BeforeAll
  static void createStreamTables() {
    List<String> failures = OracleCorpus.createAll(db, CORPUS, RefreshMode.DIFFERENTIAL);
    assertEquals(List.of(), failures, "every corpus query compiles to DIFFERENTIAL");
    CORPUS.keySet().forEach(name -> assertMatchesQuery(db, name, "after creation"));
  }

  @Test
  void shouldEqualTheQueryAfterEveryDifferentialRefresh() throws Exception {
    long seed = Long.getLong("trickle.seed", System.nanoTime());
    int cycles = Integer.getInteger("trickle.cycles", 25);
    RandomWorkload workload = new RandomWorkload(seed);
    int differential = 0;
    try (Connection connection = db.connect()) {
      for (int cycle = 1; cycle <= cycles; cycle++) {
        for (int transaction = 0; transaction < 3; transaction++) {
          workload.runTransaction(connection);
        }
        for (String name : CORPUS.keySet()) {
          refresh(name, "seed " + seed + ", cycle " + cycle);
          assertMatchesQuery(db, name, "seed " + seed + ", cycle " + cycle);
          if (RefreshAction.DIFFERENTIAL.name().equals(CatalogTesting.lastAction(db, name))) {
            differential++;
          }
        }
      }
    }
    System.out.printf("differential oracle: seed %d, %d cycles, %d stream tables, %d differential refreshes%n",
        seed, cycles, CORPUS.size(), differential);
  }

  private static void refresh(String name, String context) {
    try {
      db.execute("SELECT pgtrickle.refresh_stream_table('" + name + "')");
    } catch (RuntimeException e) {
      Object deltaSql = db.queryValue(
          "SELECT refresh_program->>'delta_sql' FROM pgtrickle.pgt_stream_tables WHERE pgt_name = '" + name + "'");
      throw new AssertionError(name + " (" + context + "): refresh failed: " + e.getMessage() + "\ndelta SQL:\n" + deltaSql, e);
    }
  }
}
