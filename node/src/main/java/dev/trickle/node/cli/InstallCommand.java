package dev.trickle.node.cli;

import dev.trickle.catalog.CatalogInstaller;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code trickle install}: installs or upgrades the pgtrickle catalog. */
@Command(name = "install", mixinStandardHelpOptions = true,
    description = "Install or upgrade the pgtrickle schema (SQL API, change capture, catalog) in a database. "
        + "Running it again is a no-op.")
public final class InstallCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CatalogInstaller.InstallResult result = CatalogInstaller.install(database.databaseUrl());
    if (result.migrationsApplied() == 0) {
      spec.commandLine().getOut().println("pgtrickle catalog is up to date (version " + result.to() + ")");
    } else {
      spec.commandLine().getOut().println("pgtrickle catalog installed: version " + result.to()
          + result.from().map(from -> " (upgraded from " + from + ")").orElse("")
          + ", " + result.migrationsApplied() + " scripts applied");
    }
    return 0;
  }
}
