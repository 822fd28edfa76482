package dev.trickle.node.cli;

import dev.trickle.catalog.StreamTableInfo;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trickle status}: every stream table's state. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show every stream table's state.")
public final class StatusCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print as JSON") boolean json;

  @Override
  public Integer call() {
    List<StreamTableInfo> tables = database.catalog().list();
    if (json) {
      Output.json(spec.commandLine().getOut(), tables);
      return 0;
    }
    Output.table(spec.commandLine().getOut(),
        List.of("NAME", "STATUS", "MODE", "EFFECTIVE", "SCHEDULE", "POPULATED", "STALENESS", "ERRORS", "LAST ERROR"),
        tables.stream().map(t -> List.of(t.displayName(), t.status().name(), t.refreshMode().name(),
            t.effectiveMode().map(Enum::name).orElse(""), t.schedule(), t.populated() ? "yes" : "no",
            Output.age(t.dataTimestamp()), Integer.toString(t.consecutiveErrors()), Output.text(t.lastError()))).toList());
    return 0;
  }
}
