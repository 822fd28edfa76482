package dev.trickle.node.cli;

import dev.trickle.catalog.RefreshRecord;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle history}: a stream table's recent refreshes. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "Show a stream table's recent refreshes, newest first.")
public final class HistoryCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "how many (default 20)") int limit;

  @Option(names = "--json", description = "print as JSON") boolean json;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
    }
    List<RefreshRecord> records = database.catalog().history(name, limit);
    if (json) {
      Output.json(spec.commandLine().getOut(), records);
      return 0;
    }
    Output.table(spec.commandLine().getOut(),
        List.of("ID", "START", "MS", "ACTION", "STATUS", "BY", "INSERTED", "UPDATED", "DELETED", "REASON / ERROR"),
        records.stream().map(r -> List.of(Long.toString(r.refreshId()), Output.time(r.startTime()),
            Long.toString(r.duration().toMillis()), r.action().name(), r.status(), Output.text(r.initiatedBy()),
            Long.toString(r.rowsInserted()), Long.toString(r.rowsUpdated()), Long.toString(r.rowsDeleted()),
            r.errorMessage() != null ? r.errorMessage() : Output.text(r.reason()))).toList());
    return 0;
  }
}
