package dev.trickle.catalog;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.engine.RefreshCompiler;
import dev.trickle.testkit.TestDatabase;

/** Shared helpers for catalog integration tests. */
final class CatalogTesting {
  /** Drops every stream table, newest (most downstream) first. */
  static final String DROP_ALL_STREAM_TABLES =
      "SELECT pgtrickle.drop_stream_table(pgtrickle._display_name(st)) FROM pgtrickle.pgt_stream_tables st "
          + "ORDER BY st.pgt_id DESC";

  private CatalogTesting() {}

  static TestDatabase catalogDatabase() {
    return TestDatabase.create().withSetup(CatalogInstaller::install);
  }

  static StreamTableDefinitions definitions(TestDatabase db) {
    return new StreamTableDefinitions(db.url()::connect, new RefreshCompiler());
  }

  static Refresher refresher(TestDatabase db) {
    return new Refresher(db.url()::connect, definitions(db));
  }

  /** Asserts the stream table's current contents equal its defining query right now. */
  static void assertMatchesQuery(TestDatabase db, String streamTable, String context) {
    Verification verification = new StreamTableVerifier(db.url()::connect).compare(streamTable);
    assertTrue(verification.matches(), () -> context + ": " + streamTable + " differs from its query: extra "
        + verification.extraRows() + ", missing " + verification.missingRows());
  }

  static String lastAction(TestDatabase db, String streamTable) {
    return (String) db.queryValue("SELECT action FROM pgtrickle.pgt_refresh_history WHERE pgt_id = "
        + "(pgtrickle._find('" + streamTable + "')).pgt_id ORDER BY refresh_id DESC LIMIT 1");
  }
}
