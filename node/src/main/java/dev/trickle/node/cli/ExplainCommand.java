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
    section(out, "defining query:", explanation.definingQuery());
    section(out, "operator tree:", explanation.operatorTree());
    if (explanation.differentialSql() != null) {
      section(out, "DIFFERENTIAL refresh (the statement a refresh from the current frontier runs):",
          explanation.differentialSql());
    }
    section(out, "FULL refresh:", explanation.fullSql());
    return 0;
  }

  private static void section(PrintWriter out, String title, String text) {
    out.println();
    out.println(title);
    out.println(indent(text));
  }

  private static String indent(String text) {
    return text == null ? "  (none)" : text.strip().indent(2).stripTrailing();
  }
}
