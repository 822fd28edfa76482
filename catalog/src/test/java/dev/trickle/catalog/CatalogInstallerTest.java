package dev.trickle.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.testkit.TestDatabase;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CatalogInstallerTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create();

  @Test
  void shouldInstallOnceAndThenDoNothing() {
    assertEquals(Optional.empty(), CatalogInstaller.installedVersion(db.url()));

    CatalogInstaller.InstallResult first = CatalogInstaller.install(db.url());
    assertEquals(Optional.empty(), first.from());
    assertTrue(first.migrationsApplied() > 0);

    CatalogInstaller.InstallResult second = CatalogInstaller.install(db.url());
    assertEquals(0, second.migrationsApplied());
    assertEquals(first.to(), second.to());
    assertEquals(Optional.of(first.to()), CatalogInstaller.installedVersion(db.url()));
    assertCatalogObjectsExist();
  }

  private static void assertCatalogObjectsExist() {
    for (String table : new String[] {"pgt_stream_tables", "pgt_dependencies", "pgt_refresh_history",
        "pgt_ducklake_provenance", "pgt_change_tracking"}) {
      assertEquals(1, db.queryLong("SELECT count(*) FROM pg_tables WHERE schemaname = 'pgtrickle' AND tablename = '"
          + table + "'"), table);
    }
    for (String function : new String[] {"create_stream_table", "alter_stream_table", "drop_stream_table",
        "refresh_stream_table", "resume_stream_table", "pgt_status", "dependency_tree"}) {
      assertTrue(db.queryLong("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
          + "WHERE n.nspname = 'pgtrickle' AND p.proname = '" + function + "'") > 0, function);
    }
  }
}
