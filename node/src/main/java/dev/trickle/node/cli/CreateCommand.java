package dev.trickle.node.cli;

import dev.trickle.catalog.StreamTableDefinition;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.protocol.InitiatedBy;
import dev.trickle.protocol.RefreshMode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle create}: defines, compiles and populates a stream table, all or nothing. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Create a stream table: compile its refresh program and populate it, in one transaction.")
public final class CreateCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "name or schema.name (quote to keep capitals: '\"Top Players\"')")
  String name;

  @Option(names = "--query", required = true, paramLabel = "SQL", description = "the defining SELECT")
  String query;

  @Option(names = "--schedule", defaultValue = "calculated", paramLabel = "S",
      description = "refresh schedule: a duration (5s, 1h30m), a cron expression, or calculated (default)")
  String schedule;

  @Option(names = "--mode", defaultValue = "AUTO", paramLabel = "M",
      description = "refresh mode: AUTO (default), FULL, DIFFERENTIAL or IMMEDIATE")
  String mode;

  @Option(names = "--no-initialize", description = "create it empty; the first refresh populates it")
  boolean noInitialize;

  @Option(names = "--json", description = "print the created stream table as JSON")
  boolean json;

  @Mixin SinkOptions sink;

  @Override
  public Integer call() {
    StreamTableDefinition definition =
        new StreamTableDefinition(name, query, schedule, RefreshMode.parse(mode), !noInitialize, sink.settings());
    StreamTableInfo created = noInitialize ? database.definitions().create(definition)
        : PopulationProgress.during(spec.commandLine().getErr(), name,
            PopulationProgress.estimate(database.connections(), query), () -> database.definitions().create(definition));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Output.json(out, created);
      return 0;
    }
    out.println("created " + created.displayName() + " (" + created.effectiveMode().map(Enum::name).orElse("?")
        + ", schedule " + created.schedule() + ")" + (created.modeReason() == null ? "" : ": " + created.modeReason()));
    if (!noInitialize) {
      database.catalog().history(created.displayName(), 10).stream()
          .filter(refresh -> refresh.initiatedBy() == InitiatedBy.INITIAL).findFirst()
          .ifPresent(population -> out.println(PopulationProgress.summary(created.displayName(), population)));
    }
    return 0;
  }
}
