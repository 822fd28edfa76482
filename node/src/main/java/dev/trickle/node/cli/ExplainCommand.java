package dev.trickle.node.cli;

import dev.trickle.catalog.Explanation;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle explain}: how a stream table is refreshed. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Show how a stream table is refreshed: the mode and why, the operator tree of its query, "
        + "and the statements its DIFFERENTIAL and FULL refreshes run.")
public final class ExplainCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "the stream table") String name;

  @Option(names = "--json", description = "print the explanation as JSON") boolean json;

  @Override
  public Integer call() {
    Explanation explanation = database.definitions().explain(name);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Output.json(out, explanation);
      return 0;
    }
    out.println("stream table:   " + explanation.streamTable());
    out.println("requested mode: " + explanation.requestedMode());
    out.println("effective mode: " + explanation.effectiveMode());
    out.println("reason:         " + Output.text(explanation.reason()));
    out.println();
    out.println("defining query:");
    out.println(indent(explanation.definingQuery()));
    out.println();
    out.println("operator tree:");
    out.println(indent(explanation.operatorTree()));
    if (explanation.differentialSql() != null) {
      out.println();
      out.println("DIFFERENTIAL refresh (the statement a refresh from the current frontier runs):");
      out.println(indent(explanation.differentialSql()));
    }
    out.println();
    out.println("FULL refresh:");
    out.println(indent(explanation.fullSql()));
    return 0;
  }

  private static String indent(String text) {
    return text == null ? "  (none)" : text.strip().indent(2).stripTrailing();
  }
}
