package dev.trickle.node;

import dev.trickle.node.bench.BenchCommand;
import dev.trickle.node.cluster.NodeCommand;
import dev.trickle.node.cli.AdviseCommand;
import dev.trickle.node.cli.AlterCommand;
import dev.trickle.node.cli.ClusterCommand;
import dev.trickle.node.cli.CreateCommand;
import dev.trickle.node.cli.DropCommand;
import dev.trickle.node.cli.EfficiencyCommand;
import dev.trickle.node.cli.ExplainCommand;
import dev.trickle.node.cli.HistoryCommand;
import dev.trickle.node.cli.InstallCommand;
import dev.trickle.node.cli.RefreshCommand;
import dev.trickle.node.cli.ResumeCommand;
import dev.trickle.node.cli.SinkCommand;
import dev.trickle.node.cli.StatusCommand;
import dev.trickle.node.cli.SuspendCommand;
import dev.trickle.node.cli.TreeCommand;
import dev.trickle.node.cli.VerifyCommand;
import dev.trickle.node.demo.DemoCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code trickle} command line. Every command exits 0 on success; on failure it prints one
 * line starting with {@code trickle:} to standard error and exits 1 (2 for usage errors).
 */
@Command(
    name = "trickle",
    mixinStandardHelpOptions = true,
    versionProvider = TrickleCli.Version.class,
    description = "Stream tables for any PostgreSQL, kept fresh incrementally.",
    subcommands = {
        InstallCommand.class, CreateCommand.class, AlterCommand.class, DropCommand.class, RefreshCommand.class,
        SuspendCommand.class, ResumeCommand.class, StatusCommand.class, HistoryCommand.class, TreeCommand.class,
        ExplainCommand.class, VerifyCommand.class, EfficiencyCommand.class, AdviseCommand.class, SinkCommand.class,
        NodeCommand.class, ClusterCommand.class,
        DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class
    })
public final class TrickleCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and returns its exit code. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
    CommandLine commandLine = new CommandLine(new TrickleCli())
        .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
        .setErr(errWriter)
        .setExecutionExceptionHandler((error, command, parseResult) -> {
          errWriter.println("trickle: " + CliErrors.describe(error));
          return 1;
        })
        .setParameterExceptionHandler((error, args1) -> {
          errWriter.println("trickle: " + error.getMessage() + " (see '"
              + error.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
          return 2;
        });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TrickleCli.class.getPackage().getImplementationVersion();
      return new String[] {"trickle " + (version == null ? "(development build)" : version)};
    }
  }
}
