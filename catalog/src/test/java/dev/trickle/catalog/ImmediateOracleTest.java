package dev.trickle.catalog;

import static dev.trickle.catalog.CatalogTesting.assertMatchesQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.protocol.RefreshMode;
import dev.trickle.testkit.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL is the oracle for IMMEDIATE mode: every query of the corpus is created IMMEDIATE
 * and, after every statement of random transactions (inside the transaction, and again after it
 * commits or rolls back), each stream table equals its query. Replay with -Dtrickle.seed=N; run
 * longer with -Dtrickle.cycles=N (a quarter as many transactions; or -Pfuzz).
 */
class ImmediateOracleTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  private static final Map<String, String> CORPUS = OracleCorpus.load();

  @BeforeAll
  static void createStreamTables() {
    List<String> failures = OracleCorpus.createAll(db, CORPUS, RefreshMode.IMMEDIATE);
    assertEquals(List.of(), failures, "every corpus query is maintained IMMEDIATE");
  }

  @Test
  void shouldEqualTheQueryAfterEveryStatement() throws Exception {
    long seed = Long.getLong("trickle.seed", System.nanoTime());
    int transactions = Math.max(2, Integer.getInteger("trickle.cycles", 25) / 4);
    RandomWorkload workload = new RandomWorkload(seed);
    List<String> failures = new ArrayList<>();
    int[] statements = {0};
    try (Connection connection = db.connect()) {
      for (int transaction = 1; transaction <= transactions; transaction++) {
        String context = "seed " + seed + ", transaction " + transaction;
        workload.runTransaction(connection, statement -> {
          statements[0]++;
          for (String name : CORPUS.keySet()) {
            Verification verification = StreamTableVerifier.compareWithin(connection, name);
            if (!verification.matches()) {
              failures.add(context + ", after " + statement + ": " + verification);
            }
          }
        });
        assertEquals(List.of(), failures);
        CORPUS.keySet().forEach(name -> assertMatchesQuery(db, name, context + ", after it ended"));
      }
    }
    System.out.printf("immediate oracle: seed %d, %d transactions, %d statements, %d stream tables%n",
        seed, transactions, statements[0], CORPUS.size());
  }
}
