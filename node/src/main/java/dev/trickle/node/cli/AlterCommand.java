package dev.trickle.node.cli;

import dev.trickle.catalog.StreamTableAlteration;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.protocol.StreamTableStatus;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle alter}: changes a stream table's query, schedule, mode, status or sink. */
@Command(name = "alter", mixinStandardHelpOptions = true,
    description = "Change a stream table's defining query, schedule, refresh mode, status or sink; all or nothing.")
public final class AlterCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Option(names = "--query", paramLabel = "SQL", description = "new defining SELECT (the table is repopulated)")
  String query;

  @Option(names = "--schedule", paramLabel = "S", description = "new schedule") String schedule;

  @Option(names = "--mode", paramLabel = "M", description = "new refresh mode") String mode;

  @Option(names = "--status", paramLabel = "STATUS", description = "ACTIVE or SUSPENDED") String status;

  @Mixin SinkOptions sink;

  @Override
  public Integer call() {
    StreamTableInfo altered = database.definitions().alter(name, new StreamTableAlteration(
        Optional.ofNullable(query), Optional.ofNullable(schedule),
        Optional.ofNullable(mode).map(RefreshMode::parse), Optional.ofNullable(status).map(StreamTableStatus::parse),
        sink.settings()));
    spec.commandLine().getOut().println("altered " + altered.displayName() + ": " + altered.status()
        + ", " + altered.effectiveMode().map(Enum::name).orElse(altered.refreshMode().name()) + ", schedule "
        + altered.schedule());
    return 0;
  }
}
