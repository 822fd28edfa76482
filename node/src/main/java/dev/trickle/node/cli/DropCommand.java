package dev.trickle.node.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle drop}: removes a stream table. */
@Command(name = "drop", mixinStandardHelpOptions = true,
    description = "Drop a stream table with its storage and change capture no longer needed.")
public final class DropCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Option(names = "--cascade", description = "also drop the stream tables that read it") boolean cascade;

  @Override
  public Integer call() {
    database.definitions().drop(name, cascade);
    spec.commandLine().getOut().println("dropped " + name);
    return 0;
  }
}
