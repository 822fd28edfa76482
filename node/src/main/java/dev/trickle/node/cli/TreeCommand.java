package dev.trickle.node.cli;

import dev.trickle.catalog.TreeLine;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trickle tree}: the dependency tree. */
@Command(name = "tree", mixinStandardHelpOptions = true,
    description = "Show which stream tables read which: each top-level table, then what it reads.")
public final class TreeCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print as JSON") boolean json;

  @Override
  public Integer call() {
    List<TreeLine> lines = database.catalog().tree();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Output.json(out, lines);
      return 0;
    }
    int width = lines.stream().mapToInt(line -> line.line().length()).max().orElse(0);
    for (TreeLine line : lines) {
      String state = line.status() == null ? "" : "  " + line.status() + " " + line.refreshMode();
      out.println((line.line() + " ".repeat(width - line.line().length()) + state).stripTrailing());
    }
    return 0;
  }
}
