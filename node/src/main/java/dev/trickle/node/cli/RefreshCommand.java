package dev.trickle.node.cli;

import dev.trickle.catalog.RefreshRecord;
import dev.trickle.catalog.Refresher;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle refresh}: refreshes a stream table now. */
@Command(name = "refresh", mixinStandardHelpOptions = true,
    description = "Refresh a stream table now (waits for a refresh already running).")
public final class RefreshCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Option(names = "--json", description = "print the refresh record as JSON") boolean json;

  @Override
  public Integer call() {
    RefreshRecord record = new Refresher(database.connections(), database.definitions()).refreshNow(name);
    if (json) {
      Output.json(spec.commandLine().getOut(), record);
    } else {
      spec.commandLine().getOut().println("refreshed " + record.streamTable() + ": " + record.action() + ", "
          + record.rowsInserted() + " inserted, " + record.rowsUpdated() + " updated, " + record.rowsDeleted()
          + " deleted in " + Output.millis(record.duration()));
    }
    return 0;
  }
}
