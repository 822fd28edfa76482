package dev.trickle.node.cli;

import dev.trickle.catalog.StreamTableVerifier;
import dev.trickle.catalog.Verification;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle verify}: checks stream tables against their queries. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check that stream tables equal their defining queries, exactly, even while sources change "
        + "(refresh and compare at one snapshot, then roll back). Exits 1 and prints differing rows on mismatch.")
public final class VerifyCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @ArgGroup(multiplicity = "1") Target target;

  @Option(names = "--json", description = "print the results as JSON") boolean json;

  static final class Target {
    @Parameters(paramLabel = "NAME", description = "the stream table to verify") String name;

    @Option(names = "--all", description = "verify every stream table") boolean all;
  }

  @Override
  public Integer call() {
    StreamTableVerifier verifier = new StreamTableVerifier(database.connections());
    List<Verification> results = target.all ? verifier.verifyAll() : List.of(verifier.verify(target.name));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Output.json(out, results);
    } else {
      results.forEach(result -> print(out, result));
    }
    boolean allMatch = results.stream().allMatch(Verification::matches);
    if (!allMatch) {
      spec.commandLine().getErr().println("trickle: " + results.stream().filter(r -> !r.matches()).count()
          + " stream table(s) differ from their queries");
    }
    return allMatch ? 0 : 1;
  }

  private static void print(PrintWriter out, Verification result) {
    if (result.matches()) {
      out.println("ok " + result.streamTable());
      return;
    }
    out.println("MISMATCH " + result.streamTable() + ": " + result.extraCount() + " extra, " + result.missingCount()
        + " missing rows");
    result.extraRows().forEach(row -> out.println("  + " + row));
    result.missingRows().forEach(row -> out.println("  - " + row));
  }
}
