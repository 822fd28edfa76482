package dev.trickle.catalog;

import dev.trickle.postgres.DatabaseUrl;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Installs and upgrades the {@code pgtrickle} schema from the versioned scripts in
 * {@code db/pgtrickle}: {@code V<n>__*.sql} run once each, in order; the repeatable
 * {@code R__*.sql} scripts (functions) run again whenever they change. Installing twice is a
 * no-op; concurrent installs from several nodes are serialized by Flyway's lock. The history
 * is kept in {@code pgtrickle.pgt_schema_history}.
 */
public final class CatalogInstaller {
  private CatalogInstaller() {}

  /** Installs or upgrades the catalog; returns what was done. */
  public static InstallResult install(DatabaseUrl url) {
    Flyway flyway = flyway(url);
    MigrateResult result = flyway.migrate();
    return new InstallResult(
        Optional.ofNullable(result.initialSchemaVersion),
        flyway.info().current().getVersion().getVersion(),
        result.migrationsExecuted);
  }

  /** The installed schema version, or empty when the catalog is not installed. */
  public static Optional<String> installedVersion(DatabaseUrl url) {
    MigrationInfo current = flyway(url).info().current();
    return current == null ? Optional.empty() : Optional.of(current.getVersion().getVersion());
  }

  private static Flyway flyway(DatabaseUrl url) {
    return Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user().orElse(null), url.properties().getProperty("password"))
        .schemas("pgtrickle")
        .defaultSchema("pgtrickle")
        .table("pgt_schema_history")
        .locations("classpath:db/pgtrickle")
        .placeholderReplacement(false)
        .validateMigrationNaming(true)
        .load();
  }

  /**
   * What an install did.
   *
   * @param from the version before, empty on a fresh database
   * @param to the version now installed
   * @param migrationsApplied how many scripts ran (0 when already up to date)
   */
  public record InstallResult(Optional<String> from, String to, int migrationsApplied) {}
}
