package dev.trickle.node.cli;

import dev.trickle.catalog.RefreshEfficiency;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trickle efficiency}: what each stream table's refreshes cost, DIFFERENTIAL against FULL. */
@Command(name = "efficiency", mixinStandardHelpOptions = true,
    description = "Show each stream table's refresh counts by action, mean DIFFERENTIAL and FULL times, mean change "
        + "ratio and DIFFERENTIAL's speedup (pgtrickle.refresh_efficiency()).")
public final class EfficiencyCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print as JSON") boolean json;

  @Override
  public Integer call() {
    List<RefreshEfficiency> rows = database.catalog().efficiency();
    if (json) {
      Output.json(spec.commandLine().getOut(), rows);
      return 0;
    }
    Output.table(spec.commandLine().getOut(),
        List.of("NAME", "MODE", "REFRESHES", "DIFF", "FULL", "NO_DATA", "AVG DIFF MS", "AVG FULL MS", "CHANGE RATIO",
            "SPEEDUP"),
        rows.stream().map(r -> List.of(r.streamTable(), r.refreshMode(), Long.toString(r.totalRefreshes()),
            Long.toString(r.diffCount()), Long.toString(r.fullCount()), Long.toString(r.noDataCount()),
            Output.text(r.avgDiffMs()), Output.text(r.avgFullMs()), Output.text(r.avgChangeRatio()),
            r.diffSpeedup() == null ? "-" : r.diffSpeedup() + "x")).toList());
    return 0;
  }
}
