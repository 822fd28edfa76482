package dev.trickle.node.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle resume}: refreshes a suspended stream table again. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Refresh a suspended stream table again (on its schedule; its failure count starts over).")
public final class ResumeCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("resumed " + database.definitions().resume(name).displayName());
    return 0;
  }
}
