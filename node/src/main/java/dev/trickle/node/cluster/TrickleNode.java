package dev.trickle.node.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.node.http.ApiServer;
import dev.trickle.node.http.HttpSettings;
import dev.trickle.node.metrics.NodeMetrics;
import dev.trickle.node.monitor.Admin;
import dev.trickle.node.monitor.Monitor;
import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.postgres.EnvironmentSecrets;
import dev.trickle.sharding.database.ClusterDatabase;
import dev.trickle.sharding.runtime.ClusterRuntime;
import dev.trickle.sharding.runtime.RuntimeSettings;
import dev.trickle.sinks.store.S3Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Trickle node: a Pekko cluster member with the refresh runtime, Pekko Management
 * ({@code /ready}, {@code /alive}), the web dashboard, JSON API and metrics, and a heartbeat in
 * every database. Databases that are down when it starts
 * are set up (pgtrickle catalog, actor journal) as soon as they answer; until then the node
 * reports not ready.
 */
public final class TrickleNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrickleNode.class);
  private static final String SYSTEM_NAME = "trickle";
  private static final Duration SETUP_RETRY = Duration.ofSeconds(2);

  private final ActorSystem<Void> system;
  private final List<ClusterDatabase> databases;
  private final ScheduledExecutorService setup;
  private Heartbeat heartbeat;
  private volatile boolean closing;

  private TrickleNode(ActorSystem<Void> system, List<ClusterDatabase> databases, ScheduledExecutorService setup) {
    this.system = system;
    this.databases = databases;
    this.setup = setup;
  }

  /**
   * Starts a node and joins (or, without seeds, starts) its cluster.
   *
   * @throws RemovedByClusterException when the cluster downed the node while it started
   * @throws IllegalStateException when a port cannot be bound
   */
  public static TrickleNode start(NodeOptions options) {
    Config config = config(options);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, config);
    List<ClusterDatabase> databases = new ArrayList<>();
    ScheduledExecutorService setup = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "trickle-database-setup");
      thread.setDaemon(true);
      return thread;
    });
    TrickleNode node = new TrickleNode(system, databases, setup);
    try {
      RuntimeSettings settings = RuntimeSettings.from(system.settings().config(), Clock.systemUTC());
      String address = Cluster.get(system).selfMember().address().toString();
      options.orderedDatabases().forEach(entry -> databases.add(new ClusterDatabase(entry.getKey(), entry.getValue(),
          settings.poolSize(), settings.connectionTimeout(), address)));
      NodeState.get(system).started(databases);
      node.setUpDatabases(config.getString("trickle.node.journal-schema"));
      PekkoManagement.get(Adapter.toClassic(system)).start().toCompletableFuture().join();
      if (kubernetesDiscovery(config)) {
        ClusterBootstrap.get(Adapter.toClassic(system)).start();
      }
      ClusterView view = new ClusterView(system, databases);
      Map<String, Monitor> monitors = new LinkedHashMap<>();
      Map<String, Admin> admins = new LinkedHashMap<>();
      databases.forEach(database -> {
        monitors.put(database.name(), new Monitor(database.connections()));
        admins.put(database.name(), new Admin(database.connections()));
      });
      NodeMetrics metrics = new NodeMetrics(monitors, view);
      S3Settings s3 = S3Settings.fromEnvironment(EnvironmentSecrets.resolve(System.getenv()));
      ClusterRuntime.start(system, databases, settings, s3, Files.createTempDirectory("trickle-sink-"), metrics);
      Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("trickle.blocking-dispatcher"));
      ApiServer.start(system, options.host(), options.httpPort(), view, monitors, admins, metrics,
          HttpSettings.from(config), blocking).toCompletableFuture().join();
      node.heartbeat = new Heartbeat(databases, address,
          "http://" + options.host() + ":" + options.httpPort(), setup);
      return node;
    } catch (RuntimeException | IOException e) {
      boolean downed = node.downedByCluster();
      node.close();
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (downed) {
        throw new RemovedByClusterException(cause);
      }
      throw new IllegalStateException("node could not start: " + cause.getMessage(), cause);
    }
  }

  /**
   * The node's configuration: the options, then system properties ({@code -Dkey=value}), then
   * application.conf if there is one (on the class path, or {@code -Dconfig.file}), then
   * trickle-node.conf (with the environment variables it names), then the libraries' defaults.
   */
  static Config config(NodeOptions options) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("trickle.node.host", options.host());
    overrides.put("trickle.node.port", options.port());
    overrides.put("trickle.node.http-port", options.httpPort());
    overrides.put("trickle.node.management-port", options.managementPort());
    overrides.put("pekko.remote.artery.canonical.hostname", options.host());
    overrides.put("pekko.remote.artery.canonical.port", options.port());
    overrides.put("pekko.management.http.hostname", options.host());
    overrides.put("pekko.management.http.port", options.managementPort());
    Config defaults = ConfigFactory.load(nodeDefaults());
    if (kubernetesDiscovery(defaults)) {
      if (!options.seeds().isEmpty()) {
        throw new IllegalArgumentException("seeds " + options.seeds() + " are given, but trickle.node.discovery is "
            + "kubernetes-api (the cluster forms from the pods the Kubernetes API lists); give one or the other");
      }
      overrides.put("pekko.cluster.seed-nodes", List.of());
    } else {
      List<String> seeds = options.seeds().isEmpty() ? List.of(options.host() + ":" + options.port()) : options.seeds();
      overrides.put("pekko.cluster.seed-nodes", seeds.stream().map(seed -> "pekko://" + SYSTEM_NAME + "@" + seed).toList());
    }
    DatabaseUrl journal = options.orderedDatabases().get(0).getValue();
    String slick = "pekko-persistence-jdbc.shared-databases.slick.db.";
    overrides.put(slick + "url", journal.jdbcUrl());
    journal.user().ifPresent(user -> overrides.put(slick + "user", user));
    String password = journal.properties().getProperty("password");
    if (password != null) {
      overrides.put(slick + "password", password);
    }
    return ConfigFactory.parseMap(overrides).withFallback(defaults);
  }

  private static Config nodeDefaults() {
    return ConfigFactory.defaultApplication()
        .withFallback(ConfigFactory.parseResources(TrickleNode.class.getClassLoader(), "trickle-node.conf"));
  }

  /**
   * Whether the cluster forms through Pekko Management cluster bootstrap with Kubernetes API
   * discovery rather than from seed nodes.
   *
   * @throws IllegalArgumentException when trickle.node.discovery is neither
   */
  static boolean kubernetesDiscovery(Config config) {
    String discovery = config.getString("trickle.node.discovery");
    return switch (discovery) {
      case "kubernetes-api" -> true;
      case "seed-nodes" -> false;
      default -> throw new IllegalArgumentException("trickle.node.discovery (TRICKLE_DISCOVERY) must be seed-nodes or "
          + "kubernetes-api, got '" + discovery + "'");
    };
  }

  /** Installs the pgtrickle catalog in every database and the journal's tables in the first, retrying until done. */
  private void setUpDatabases(String journalSchema) {
    List<ClusterDatabase> pending = new ArrayList<>(databases);
    setup.execute(new Runnable() {
      @Override
      public void run() {
        pending.removeIf(database -> setUp(database, database == databases.get(0) ? journalSchema : null));
        if (pending.isEmpty()) {
          NodeState.get(system).journalReady();
        } else {
          setup.schedule(this, SETUP_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    });
  }

  private boolean setUp(ClusterDatabase database, String journalSchema) {
    try {
      CatalogInstaller.install(database.url());
      if (journalSchema != null) {
        try (Connection connection = database.connections().open()) {
          JournalSchema.ensure(connection, journalSchema);
        }
      }
      return true;
    } catch (Exception e) {
      log.warn("database {} is not ready, trying again in {}: {}", database, SETUP_RETRY, e.getMessage());
      return false;
    }
  }

  /** The node's actor system. */
  public ActorSystem<Void> system() {
    return system;
  }

  /** Completes when the node has stopped (after {@link #close()} or a cluster-initiated shutdown). */
  public java.util.concurrent.CompletionStage<Done> whenTerminated() {
    return system.getWhenTerminated();
  }

  /**
   * Whether the node stopped without being asked to: the cluster removed it (the split brain
   * resolver downed it after a pause or a partition), so it must be started again to rejoin.
   */
  public boolean removedByCluster() {
    return !closing && system.getWhenTerminated().toCompletableFuture().isDone();
  }

  /** Whether the actor system is shutting down because the cluster downed this node. */
  private boolean downedByCluster() {
    return CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason()
        .filter(CoordinatedShutdown.clusterDowningReason()::equals).isPresent();
  }

  /** Leaves the cluster (handing its stream tables over) and stops. */
  @Override
  public void close() {
    closing = true;
    if (heartbeat != null) {
      heartbeat.close();
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
    setup.shutdownNow();
    databases.forEach(ClusterDatabase::close);
  }
}
