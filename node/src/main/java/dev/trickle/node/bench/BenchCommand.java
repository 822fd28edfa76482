package dev.trickle.node.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trickle bench ...}: benchmarks that print tables of measured numbers. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark and print its numbers (ratios against a baseline measured in the same run).",
    subcommands = {MatrixBenchmark.class, LeaderboardBenchmark.class, CdcBenchmark.class, ClusterBenchmark.class, SinkBenchmark.class,
        TpchBenchmark.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
