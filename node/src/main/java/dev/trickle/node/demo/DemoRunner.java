package dev.trickle.node.demo;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.RefreshRecord;
import dev.trickle.catalog.StreamTableCatalog;
import dev.trickle.node.cluster.NodeOptions;
import dev.trickle.node.cluster.Ports;
import dev.trickle.node.cluster.TrickleNode;
import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.postgres.EmbeddedPostgres;
import dev.trickle.protocol.RefreshAction;
import dev.trickle.sharding.database.ClusterDatabase;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Runs one scenario: database (given or embedded), catalog, schema, generator and a Trickle
 * cluster of one or more in-process nodes keeping the stream tables fresh, until the duration
 * ends or the JVM is asked to stop.
 */
final class DemoRunner {
  private static final Duration TICK = Duration.ofMillis(100);

  private final Scenario scenario;
  private final DatabaseUrl givenDatabase;
  private final int embeddedPort;
  private final int nodeCount;
  private final PrintWriter out;
  /** The generator's connection: used by one scheduled task at a time, opened on demand. */
  private Connection generatorConnection;

  DemoRunner(Scenario scenario, DatabaseUrl givenDatabase, int embeddedPort, int nodeCount, PrintWriter out) {
    if (nodeCount < 0 || nodeCount > 5) {
      throw new IllegalArgumentException("--nodes must be between 0 and 5, got " + nodeCount);
    }
    this.scenario = scenario;
    this.givenDatabase = givenDatabase;
    this.embeddedPort = embeddedPort;
    this.nodeCount = nodeCount;
    this.out = out;
  }

  void run(Duration duration) throws InterruptedException {
    EmbeddedPostgres embedded = givenDatabase == null ? EmbeddedPostgres.start(Ports.free(embeddedPort), null, false) : null;
    DatabaseUrl database = embedded == null ? givenDatabase : embedded.url("postgres");
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      awaitQuietly(stopped);
    }, "trickle-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      runScenario(database, stop, duration);
    } finally {
      if (embedded != null) {
        embedded.close();
      }
      stopped.countDown();
      removeHook(hook);
    }
  }

  private void runScenario(DatabaseUrl database, CountDownLatch stop, Duration duration) throws InterruptedException {
    CatalogInstaller.install(database);
    ConnectionSource connections = database::connect;
    try (Connection connection = connections.open()) {
      scenario.setUp(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot set up the " + scenario.name() + " demo: " + e.getMessage(), e);
    }
    List<NodeOptions> cluster = clusterOptions(database);
    List<TrickleNode> nodes = new ArrayList<>();
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> new Thread(r, "trickle-demo"));
    try {
      for (NodeOptions options : cluster) {
        nodes.add(TrickleNode.start(options));
      }
      printIntroduction(database, givenDatabase == null, cluster);
      StreamTableCatalog catalog = new StreamTableCatalog(connections);
      AtomicLong lastSeen = new AtomicLong(catalog.lastRefreshId());
      executor.scheduleAtFixedRate(() -> generateQuietly(connections), 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
      executor.scheduleWithFixedDelay(() -> reportRefreshes(catalog, lastSeen, connections), 0, 500, TimeUnit.MILLISECONDS);
      if (duration == null) {
        stop.await();
      } else {
        stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
      }
      executor.shutdown();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } finally {
      executor.shutdownNow();
      closeGeneratorConnection();
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).close();
      }
    }
  }

  /** The nodes of the demo's cluster on 127.0.0.1, all seeded by the first (ports near the defaults, or free ones). */
  private List<NodeOptions> clusterOptions(DatabaseUrl database) {
    List<NodeOptions> cluster = new ArrayList<>();
    int seedPort = Ports.free(25520);
    for (int i = 0; i < nodeCount; i++) {
      int port = i == 0 ? seedPort : Ports.free(seedPort + i);
      cluster.add(new NodeOptions(Map.of(ClusterDatabase.defaultName(database), database), "127.0.0.1", port,
          Ports.free(8080 + i), Ports.free(8558 + i), List.of("127.0.0.1:" + seedPort)));
    }
    return cluster;
  }

  /** Shows the refreshes the cluster ran since the last look (NO_DATA ones are left out). */
  private void reportRefreshes(StreamTableCatalog catalog, AtomicLong lastSeen, ConnectionSource connections) {
    try {
      for (RefreshRecord refresh : catalog.refreshesAfter(lastSeen.get(), 100)) {
        lastSeen.set(refresh.refreshId());
        if (refresh.action() != RefreshAction.NO_DATA) {
          scenario.report(refresh, connections, out);
        }
      }
      out.flush();
    } catch (RuntimeException e) {
      out.println("cannot read the refresh history: " + e.getMessage());
    }
  }

  /**
   * One tick of the workload on the generator's connection; after a failure the connection is
   * opened again on the next tick, so the generator rides out a PostgreSQL restart.
   */
  private void generateQuietly(ConnectionSource connections) {
    try {
      if (generatorConnection == null) {
        generatorConnection = connections.open();
      }
      scenario.generate(generatorConnection);
    } catch (SQLException e) {
      out.println("generator: " + e.getMessage());
      out.flush();
      closeGeneratorConnection();
    }
  }

  private void closeGeneratorConnection() {
    if (generatorConnection == null) {
      return;
    }
    try {
      generatorConnection.close();
    } catch (SQLException e) {
      out.println("generator: closing its connection failed: " + e.getMessage());
    }
    generatorConnection = null;
  }

  private void printIntroduction(DatabaseUrl database, boolean embedded, List<NodeOptions> cluster) {
    out.println("Trickle demo: " + scenario.name());
    out.println("PostgreSQL:    psql " + database.toLibpqUrl() + (embedded ? "   (embedded PostgreSQL 18)" : ""));
    if (cluster.isEmpty()) {
      out.println("Cluster:       none in this process: trickle nodes elsewhere refresh the stream tables");
    } else {
      out.println("Dashboard:     http://127.0.0.1:" + cluster.get(0).httpPort() + "/   (JSON API /api/, Prometheus /metrics)");
      out.println("Cluster:       " + (cluster.size() == 1 ? "one node" : cluster.size() + " nodes") + "; "
          + cluster.stream().map(node -> "node 127.0.0.1:" + node.port() + " serves :" + node.httpPort() + ", health :"
              + node.managementPort() + "/ready").collect(Collectors.joining("; ")));
    }
    scenario.introduction().forEach(out::println);
    out.println("Stop with Ctrl-C.");
    out.println();
    out.flush();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already shutting down and runs the hook itself.
    }
  }
}
