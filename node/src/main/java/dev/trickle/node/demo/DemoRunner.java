package dev.trickle.node.demo;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.Refresher;
import dev.trickle.catalog.StreamTableCatalog;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.engine.RefreshCompiler;
import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.postgres.EmbeddedPostgres;
import dev.trickle.sharding.LocalRefreshLoop;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario: database (given or embedded), catalog, schema, generator and refresh loop,
 * until the duration ends or the JVM is asked to stop.
 */
final class DemoRunner {
  private static final Duration TICK = Duration.ofMillis(100);

  private final Scenario scenario;
  private final DatabaseUrl givenDatabase;
  private final int embeddedPort;
  private final PrintWriter out;

  DemoRunner(Scenario scenario, DatabaseUrl givenDatabase, int embeddedPort, PrintWriter out) {
    this.scenario = scenario;
    this.givenDatabase = givenDatabase;
    this.embeddedPort = embeddedPort;
    this.out = out;
  }

  void run(Duration duration) throws InterruptedException {
    EmbeddedPostgres embedded = givenDatabase == null ? EmbeddedPostgres.start(freePort(embeddedPort), null, false) : null;
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
    printIntroduction(database, givenDatabase == null);
    StreamTableDefinitions definitions = new StreamTableDefinitions(connections, new RefreshCompiler());
    ScheduledExecutorService generator = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "trickle-demo-generator"));
    try (Connection generatorConnection = connections.open();
        LocalRefreshLoop loop = new LocalRefreshLoop(new StreamTableCatalog(connections), definitions,
            new Refresher(connections, definitions), Clock.systemUTC(), Duration.ofMinutes(1),
            (table, outcome) -> scenario.report(table, outcome, connections, out))) {
      generator.scheduleAtFixedRate(() -> generateQuietly(generatorConnection), 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
      loop.start(TICK);
      if (duration == null) {
        stop.await();
      } else {
        stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
      }
      generator.shutdown();
      generator.awaitTermination(5, TimeUnit.SECONDS);
    } catch (SQLException e) {
      throw new IllegalStateException("demo database connection failed: " + e.getMessage(), e);
    } finally {
      generator.shutdownNow();
    }
  }

  private void generateQuietly(Connection connection) {
    try {
      scenario.generate(connection);
    } catch (SQLException e) {
      out.println("generator: " + e.getMessage());
    }
  }

  private void printIntroduction(DatabaseUrl database, boolean embedded) {
    out.println("Trickle demo: " + scenario.name());
    out.println("PostgreSQL:    psql " + database.toLibpqUrl() + (embedded ? "   (embedded PostgreSQL 18)" : ""));
    scenario.introduction().forEach(out::println);
    out.println("Stop with Ctrl-C.");
    out.println();
    out.flush();
  }

  private static int freePort(int preferred) {
    try (ServerSocket socket = new ServerSocket(preferred)) {
      return preferred;
    } catch (IOException taken) {
      return 0;
    }
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
