package dev.trickle.node.cli;

import dev.trickle.catalog.StreamTableAlteration;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.protocol.StreamTableStatus;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle suspend}: stops refreshing a stream table until it is resumed. */
@Command(name = "suspend", mixinStandardHelpOptions = true,
    description = "Stop refreshing a stream table (its contents stay as they are) until `trickle resume`.")
public final class SuspendCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Override
  public Integer call() {
    StreamTableInfo table = database.definitions().alter(name, new StreamTableAlteration(Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of(StreamTableStatus.SUSPENDED)));
    spec.commandLine().getOut().println("suspended " + table.displayName());
    return 0;
  }
}
