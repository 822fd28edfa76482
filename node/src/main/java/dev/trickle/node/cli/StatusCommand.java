package dev.trickle.node.cli;

import dev.trickle.catalog.StreamTableInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code trickle status}: every stream table's state, once or refreshed in place with --watch. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show every stream table's state (--watch: keep the view refreshed in place).")
public final class StatusCommand implements Callable<Integer> {
  /** Clears a terminal and moves the cursor home (ANSI). */
  private static final String CLEAR = "\033[H\033[2J";

  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print as JSON (with --watch: one JSON array per refresh)") boolean json;

  @Option(names = "--watch", description = "refresh the view in place until interrupted (Ctrl-C)") boolean watch;

  @Option(names = "--interval", defaultValue = "2", paramLabel = "SECONDS",
      description = "seconds between refreshes with --watch (default 2)") double interval;

  @Option(names = "--count", defaultValue = "0", paramLabel = "N",
      description = "with --watch: stop after N refreshes (default 0: until interrupted)") int count;

  @Override
  public Integer call() throws InterruptedException {
    if (!watch) {
      show(database.catalog().list());
      return 0;
    }
    if (interval < 0.1 || interval > 3600) {
      throw new ParameterException(spec.commandLine(), "--interval must be between 0.1 and 3600 seconds, got " + interval);
    }
    if (count < 0) {
      throw new ParameterException(spec.commandLine(), "--count must not be negative, got " + count);
    }
    PrintWriter out = spec.commandLine().getOut();
    for (int shown = 0; count == 0 || shown < count; shown++) {
      if (shown > 0) {
        Thread.sleep(Duration.ofMillis(Math.round(interval * 1000)).toMillis());
      }
      if (!json) {
        out.print(CLEAR);
        out.println("trickle status, every " + interval + " s, " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
            + " (Ctrl-C to stop)");
        out.println();
      }
      try {
        show(database.catalog().list());
      } catch (RuntimeException e) {
        out.println("cannot read the catalog: " + e.getMessage());
      }
      out.flush();
    }
    return 0;
  }

  private void show(List<StreamTableInfo> tables) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Output.json(out, tables);
      return;
    }
    Output.table(out,
        List.of("NAME", "STATUS", "MODE", "EFFECTIVE", "SCHEDULE", "POPULATED", "STALENESS", "ERRORS", "LAST ERROR"),
        tables.stream().map(t -> List.of(t.displayName(), t.status().name(), t.refreshMode().name(),
            t.effectiveMode().map(Enum::name).orElse(""), t.schedule(), t.populated() ? "yes" : "no",
            Output.age(t.dataTimestamp()), Integer.toString(t.consecutiveErrors()), Output.text(t.lastError()))).toList());
  }
}
