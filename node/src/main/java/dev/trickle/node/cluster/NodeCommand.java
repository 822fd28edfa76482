package dev.trickle.node.cluster;

import dev.trickle.postgres.EnvironmentSecrets;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trickle node}: runs a cluster node until stopped (SIGTERM/Ctrl-C leave the cluster gracefully). */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run a Trickle cluster node: keeps the stream tables of its databases fresh together with the other "
        + "nodes, serves the JSON API and Pekko Management health checks (/ready, /alive). Stop with Ctrl-C or SIGTERM "
        + "(it leaves the cluster, handing its stream tables to the other nodes).")
public final class NodeCommand implements Callable<Integer> {
  /** The exit status of a node the cluster removed (downed) rather than one asked to stop. */
  public static final int REMOVED_BY_CLUSTER = 3;

  @Spec CommandSpec spec;

  @Option(names = "--db", paramLabel = "URL", description = "a database to keep fresh (repeatable; default: "
      + "$TRICKLE_DB_URL or the comma-separated $TRICKLE_DB_URLS); every node lists the same databases")
  List<String> databases = new ArrayList<>();

  @Option(names = "--host", defaultValue = "${env:TRICKLE_HOST:-127.0.0.1}",
      description = "address other nodes reach this one at (default 127.0.0.1, or $TRICKLE_HOST)")
  String host;

  @Option(names = "--port", defaultValue = "${env:TRICKLE_PORT:-25520}",
      description = "cluster (Pekko artery TCP) port (default 25520, or $TRICKLE_PORT)")
  int port;

  @Option(names = "--http-port", defaultValue = "${env:TRICKLE_HTTP_PORT:-8080}",
      description = "JSON API port (default 8080, or $TRICKLE_HTTP_PORT)")
  int httpPort;

  @Option(names = "--management-port", defaultValue = "${env:TRICKLE_MANAGEMENT_PORT:-8558}",
      description = "Pekko Management port: /ready, /alive (default 8558, or $TRICKLE_MANAGEMENT_PORT)")
  int managementPort;

  @Option(names = "--seeds", split = ",", paramLabel = "HOST:PORT",
      description = "cluster ports of nodes to join, comma-separated (default $TRICKLE_SEEDS; none: start a new "
          + "cluster); list the same seeds on every node, and start the first one first")
  List<String> seeds = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    NodeOptions options = options(System.getenv());
    PrintWriter out = spec.commandLine().getOut();
    TrickleNode started;
    try {
      started = TrickleNode.start(options);
    } catch (RemovedByClusterException e) {
      return removed(e.getMessage());
    }
    try (TrickleNode node = started) {
      out.printf("trickle node %s:%d up: API http://%s:%d/api/, health http://%s:%d/ready, databases %s%n", host, port,
          host, httpPort, host, managementPort, String.join(", ", options.databases().keySet()));
      out.flush();
      Thread shutdown = new Thread(node::close, "trickle-node-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdown);
      node.whenTerminated().toCompletableFuture().join();
      if (node.removedByCluster()) {
        return removed("the cluster removed this node (it was unreachable: paused or cut off)");
      }
    }
    return 0;
  }

  private int removed(String why) {
    spec.commandLine().getErr().println("trickle node: " + why + "; exiting with status " + REMOVED_BY_CLUSTER
        + " to be started again");
    return REMOVED_BY_CLUSTER;
  }

  /**
   * The options given, the databases and seeds defaulting to the environment's
   * {@code TRICKLE_DB_URLS} (comma-separated) or {@code TRICKLE_DB_URL} — or the files their
   * {@code _FILE} variables name — and {@code TRICKLE_SEEDS}.
   */
  NodeOptions options(Map<String, String> environment) {
    Map<String, String> resolved = EnvironmentSecrets.resolve(environment);
    List<String> urls = databases;
    if (urls.isEmpty()) {
      urls = commaSeparated(resolved.get("TRICKLE_DB_URLS"));
    }
    String single = resolved.get("TRICKLE_DB_URL");
    if (urls.isEmpty() && single != null && !single.isBlank()) {
      urls = List.of(single.strip());
    }
    return new NodeOptions(NodeOptions.named(urls), host, port, httpPort, managementPort,
        seeds.isEmpty() ? commaSeparated(environment.get("TRICKLE_SEEDS")) : seeds);
  }

  private static List<String> commaSeparated(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(part -> !part.isEmpty()).toList();
  }
}
