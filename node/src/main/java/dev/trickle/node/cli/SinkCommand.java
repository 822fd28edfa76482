package dev.trickle.node.cli;

import dev.trickle.catalog.SinkStatus;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trickle sink ...}: the sinks stream tables deliver their deltas to. */
@Command(name = "sink", mixinStandardHelpOptions = true, description = "Inspect stream table sinks.",
    subcommands = SinkCommand.Status.class)
public final class SinkCommand {
  /** {@code trickle sink status}: every sink's frontier, lag and last error. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show every sink: where it delivers, its frontier, its lag in refreshes and rows, its last error.")
  static final class Status implements Callable<Integer> {
    @Mixin DatabaseOptions database;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "print as JSON") boolean json;

    @Override
    public Integer call() {
      List<SinkStatus> sinks = database.catalog().sinks();
      if (json) {
        Output.json(spec.commandLine().getOut(), sinks);
        return 0;
      }
      Output.table(spec.commandLine().getOut(),
          List.of("NAME", "SINK", "MODE", "PATH", "DELIVERED", "LAST DELIVERY", "PENDING", "PENDING ROWS", "ERRORS",
              "LAST ERROR"),
          sinks.stream().map(s -> List.of(s.name(), s.sink(), s.mode(), s.path(), Long.toString(s.deliveredRefreshId()),
              Output.age(s.deliveredAt()), Long.toString(s.pendingRefreshes()), Long.toString(s.pendingRows()),
              Integer.toString(s.consecutiveErrors()), Output.text(s.lastError()))).toList());
      return 0;
    }
  }
}
