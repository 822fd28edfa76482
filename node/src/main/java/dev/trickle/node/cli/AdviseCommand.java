package dev.trickle.node.cli;

import dev.trickle.catalog.ModeRecommendation;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle advise NAME}: the refresh mode a stream table should use, and why. */
@Command(name = "advise", mixinStandardHelpOptions = true,
    description = "Recommend a refresh mode for a stream table from its refresh history, with the confidence, the "
        + "reason and the signals used (pgtrickle.recommend_refresh_mode(name)).")
public final class AdviseCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Option(names = "--json", description = "print as JSON") boolean json;

  @Override
  public Integer call() {
    ModeRecommendation advice = database.catalog().recommendation(name);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Output.json(out, advice);
      return 0;
    }
    out.println(advice.streamTable() + ": " + advice.currentMode() + " -> " + advice.recommendedMode()
        + " (confidence " + advice.confidence() + ")");
    out.println("reason:  " + advice.reason());
    out.println("signals: " + advice.signals());
    out.flush();
    return 0;
  }
}
