package dev.trickle.node.demo;

import dev.trickle.postgres.DatabaseUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "the demo to run: leaderboard, fraud, ecommerce or finance")
  String scenario;

  @Option(names = "--db", paramLabel = "URL",
      description = "use this database instead of starting an embedded PostgreSQL")
  String url;

  @Option(names = "--pg-port", defaultValue = "5432", paramLabel = "PORT",
      description = "port for the embedded PostgreSQL (default 5432; a free port if it is taken)")
  int pgPort;

  @Option(names = "--rate", paramLabel = "N",
      description = "events per second (default: 50 score events for leaderboard, 1 transaction, order or trade for the others)")
  Integer rate;

  @Option(names = "--s3", paramLabel = "URL",
      description = "where the leaderboard's DuckLake sinks write: s3://bucket/prefix/ (endpoint and keys from "
          + "TRICKLE_S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or file:///dir/; default a local directory")
  String lake;

  @Option(names = "--nodes", defaultValue = "1", paramLabel = "N",
      description = "cluster nodes to run in this process (default 1, at most 5; the stream tables spread over them); "
          + "0 runs only the schema setup and the generator, for nodes running elsewhere (Docker Compose, Kubernetes)")
  int nodes;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds (default: run until Ctrl-C)")
  Integer seconds;

  /** The default lake: a directory in the system's temp space that outlives the demo, for DuckDB to read afterwards. */
  private static String defaultLake() {
    Path directory = Path.of(System.getProperty("java.io.tmpdir"), "trickle-demo-lake").toAbsolutePath();
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the demo's lake directory " + directory, e);
    }
    return directory.toUri().toString();
  }

  @Override
  public Integer call() throws InterruptedException {
    String name = scenario.toLowerCase(Locale.ROOT);
    int perSecond = rate == null ? (name.equals("leaderboard") ? 50 : 1) : rate;
    if (perSecond < 1 || perSecond > 10_000) {
      throw new IllegalArgumentException("--rate must be between 1 and 10000 events per second, got " + perSecond);
    }
    long seed = System.nanoTime();
    Scenario chosen = switch (name) {
      case "leaderboard" -> new LeaderboardScenario(new Pace(perSecond), seed, lake == null ? defaultLake() : lake);
      case "fraud" -> new FraudScenario(new Pace(perSecond), seed);
      case "ecommerce" -> new EcommerceScenario(new Pace(perSecond), seed);
      case "finance" -> new FinanceScenario(new Pace(perSecond), seed);
      default -> throw new IllegalArgumentException("unknown demo scenario '" + scenario
          + "'; available: leaderboard, fraud, ecommerce, finance");
    };
    DatabaseUrl database = url == null ? null : DatabaseUrl.parse(url);
    new DemoRunner(chosen, database, pgPort, nodes, spec.commandLine().getOut())
        .run(seconds == null ? null : Duration.ofSeconds(seconds));
    return 0;
  }
}
