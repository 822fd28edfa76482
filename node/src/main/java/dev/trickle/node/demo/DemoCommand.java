package dev.trickle.node.demo;

import dev.trickle.postgres.DatabaseUrl;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trickle demo SCENARIO}: runs a live demo until Ctrl-C. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a live demo: its schema, stream tables, a generator writing to the sources, and refreshes "
        + "on schedule. Without --db it starts its own PostgreSQL. Stop with Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "the demo to run: leaderboard")
  String scenario;

  @Option(names = "--db", paramLabel = "URL",
      description = "use this database instead of starting an embedded PostgreSQL")
  String url;

  @Option(names = "--pg-port", defaultValue = "5432", paramLabel = "PORT",
      description = "port for the embedded PostgreSQL (default 5432; a free port if it is taken)")
  int pgPort;

  @Option(names = "--rate", defaultValue = "50", paramLabel = "N", description = "events per second (default 50)")
  int rate;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds (default: run until Ctrl-C)")
  Integer seconds;

  @Override
  public Integer call() throws InterruptedException {
    if (rate < 1 || rate > 10_000) {
      throw new IllegalArgumentException("--rate must be between 1 and 10000 events per second, got " + rate);
    }
    Scenario chosen = switch (scenario.toLowerCase(Locale.ROOT)) {
      case "leaderboard" -> new LeaderboardScenario(rate, System.nanoTime());
      default -> throw new IllegalArgumentException("unknown demo scenario '" + scenario + "'; available: leaderboard");
    };
    DatabaseUrl database = url == null ? null : DatabaseUrl.parse(url);
    new DemoRunner(chosen, database, pgPort, spec.commandLine().getOut())
        .run(seconds == null ? null : Duration.ofSeconds(seconds));
    return 0;
  }
}
