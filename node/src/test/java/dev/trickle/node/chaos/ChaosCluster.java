package dev.trickle.node.chaos;

import static dev.trickle.node.cluster.Queries.count;
import static dev.trickle.node.cluster.Queries.execute;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.node.cluster.LakeChecks;
import dev.trickle.node.cluster.NodeCommand;
import dev.trickle.node.cluster.NodeProcess;
import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.postgres.EmbeddedPostgres;
import dev.trickle.sinks.store.S3ProxyServer;
import dev.trickle.testkit.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Everything a chaos run puts under fault, on this machine: a PostgreSQL of its own (so it can
 * be restarted), an S3-compatible server, three {@code trickle node} JVMs on 127.0.0.1-3 each
 * behind a {@link TcpProxy} on its cluster port (so it can be cut off), and the fraud demo's
 * generator ({@code trickle demo fraud --nodes 0}) in a JVM of its own.
 */
final class ChaosCluster implements AutoCloseable {
  static final int NODES = 3;
  /** The cluster port every node is reached at (its proxy's). */
  private static final int CLUSTER_PORT = 25620;
  /** The port every node listens on behind its proxy. */
  private static final int BIND_PORT = 25630;
  private static final int HTTP_PORT = 18280;
  private static final int MANAGEMENT_PORT = 18760;
  static final String ADMIN_TOKEN = "chaos-admin-token";
  private static final String BUCKET = "lake";
  private static final String ADMIN_TOKEN_FILE = "admin-token";
  private static final String S3_SECRET_FILE = "s3-secret-key";

  private final Path jar;
  private final Path directory;
  private final int postgresPort;
  private EmbeddedPostgres postgres;
  private final S3ProxyServer s3;
  private final NodeProcess[] nodes = new NodeProcess[NODES];
  private final TcpProxy[] proxies = new TcpProxy[NODES];
  private final List<Path> logs = new ArrayList<>();
  private Process generator;
  private Path generatorLog;

  private ChaosCluster(Path jar, Path directory, int postgresPort, EmbeddedPostgres postgres, S3ProxyServer s3) {
    this.jar = jar;
    this.directory = directory;
    this.postgresPort = postgresPort;
    this.postgres = postgres;
    this.s3 = s3;
  }

  /**
   * Starts PostgreSQL (with the catalog; its data in {@code directory/postgres}) and S3 with a
   * bucket; no nodes yet. The nodes' secret files go to {@code directory/secrets}, written once
   * here: a node starting reads them while another is being restarted.
   */
  static ChaosCluster start(Path jar, Path directory) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path data = Files.createDirectories(directory.resolve("postgres"));
    EmbeddedPostgres postgres = EmbeddedPostgres.start(port, data, true);
    CatalogInstaller.install(postgres.url("postgres"));
    S3ProxyServer s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    Path secrets = Files.createDirectories(directory.resolve("secrets"));
    writeSecret(secrets.resolve(ADMIN_TOKEN_FILE), ADMIN_TOKEN);
    writeSecret(secrets.resolve(S3_SECRET_FILE), s3.settings().secretAccessKey().orElseThrow());
    return new ChaosCluster(jar, directory, port, postgres, s3);
  }

  /**
   * Starts the fraud demo's generator at {@code rate} transactions a second, adds an append sink
   * to user_velocity and a mirror sink to merchant_stats, and starts the nodes; returns when the
   * stream tables are spread over all of them and the sinks deliver. Returns the sinks' checks
   * (the append one first).
   */
  List<LakeChecks> runFraud(int rate, Path downloads) throws IOException, SQLException {
    DatabaseUrl url = url();
    startGenerator(rate);
    Eventually.holds("the fraud demo's stream tables exist", Duration.ofSeconds(90),
        () -> Quietly.holds(() -> count(url, "SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE is_populated") == 9));
    String appendPath = "s3://" + BUCKET + "/user_velocity/";
    String mirrorPath = "s3://" + BUCKET + "/merchant_stats/";
    execute(url, "SELECT pgtrickle.alter_stream_table('user_velocity', sink => 'ducklake', ducklake_sink_path => '"
            + appendPath + "', ducklake_sink_mode => 'append')",
        "SELECT pgtrickle.alter_stream_table('merchant_stats', sink => 'ducklake', ducklake_sink_path => '"
            + mirrorPath + "', ducklake_sink_mode => 'mirror')");
    for (int i = 0; i < NODES; i++) {
      startNode(i);
      if (i == 0) {
        Eventually.holds("the first node is ready", Duration.ofSeconds(90), () -> nodes[0].ready());
      }
    }
    Eventually.holds("all nodes are ready", Duration.ofSeconds(90), this::allReady);
    Eventually.holds("the stream tables spread over the nodes", Duration.ofSeconds(60),
        () -> nodes[0].owners().values().stream().distinct().count() == NODES);
    Eventually.holds("the sinks deliver", Duration.ofSeconds(60),
        () -> Quietly.holds(() -> count(url, "SELECT count(*) FROM pgtrickle.pgt_ducklake_provenance") >= 4));
    return List.of(
        new LakeChecks(url, "user_velocity", appendPath, "concat_ws('|', user_id, txn_count)", s3.settings(), downloads),
        new LakeChecks(url, "merchant_stats", mirrorPath, "concat_ws('|', merchant_id, txn_count, unique_users)",
            s3.settings(), downloads));
  }

  DatabaseUrl url() {
    return postgres.url("postgres");
  }

  S3ProxyServer s3() {
    return s3;
  }

  /** Runs the fraud demo's generator: its schema and stream tables, then {@code rate} transactions a second. */
  private void startGenerator(int rate) throws IOException {
    generatorLog = Files.createTempFile("trickle-chaos-generator-", ".log");
    List<String> command = new ArrayList<>(NodeProcess.javaCommand(jar, "-Xmx192m"));
    command.addAll(List.of("demo", "fraud", "--db", url().toLibpqUrl(), "--nodes", "0", "--rate", Integer.toString(rate)));
    generator = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(generatorLog.toFile()).start();
  }

  /** Stops the generator (SIGTERM: it finishes its tick). */
  void stopGenerator() throws InterruptedException {
    if (generator != null) {
      generator.destroy();
      generator.waitFor();
      generator = null;
    }
  }

  /** Whether the generator still runs (it must, through every fault). */
  boolean generatorRunning() {
    return generator != null && generator.isAlive();
  }

  Path generatorLog() {
    return generatorLog;
  }

  /** Starts node {@code i} (again): its proxy, then its JVM. */
  void startNode(int i) throws IOException {
    String host = host(i);
    if (proxies[i] == null) {
      proxies[i] = TcpProxy.start(host, CLUSTER_PORT, BIND_PORT);
    }
    String seeds = IntStream.range(0, NODES).mapToObj(n -> host(n) + ":" + CLUSTER_PORT).collect(Collectors.joining(","));
    // The secrets come from files, as mounted Docker and Kubernetes secrets do.
    nodes[i] = NodeProcess.start(NodeProcess.javaCommand(jar, "-Xmx256m"), host, CLUSTER_PORT, HTTP_PORT + i,
        MANAGEMENT_PORT + i, List.of(url().toLibpqUrl()), seeds, Map.of(
            "TRICKLE_BIND_PORT", Integer.toString(BIND_PORT),
            "TRICKLE_ADMIN_TOKEN_FILE", secret(ADMIN_TOKEN_FILE),
            "TRICKLE_S3_ENDPOINT", s3.endpoint().toString(),
            "AWS_ACCESS_KEY_ID", s3.settings().accessKeyId().orElseThrow(),
            "AWS_SECRET_ACCESS_KEY_FILE", secret(S3_SECRET_FILE)));
    logs.add(nodes[i].log());
  }

  private static void writeSecret(Path file, String secret) throws IOException {
    Files.writeString(file, secret + "\n");
  }

  private String secret(String name) {
    return directory.resolve("secrets").resolve(name).toString();
  }

  private static String host(int i) {
    return "127.0.0." + (i + 1);
  }

  NodeProcess node(int i) {
    return nodes[i];
  }

  /** The node's cluster address, as the refresh history and the shards API name it. */
  String address(int i) {
    return "pekko://trickle@" + host(i) + ":" + CLUSTER_PORT;
  }

  /** Whether every node is running and ready. */
  boolean allReady() {
    for (NodeProcess node : nodes) {
      if (node == null || !node.running() || !node.ready()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Starts again every node that exited (a node the cluster downed exits with status
   * {@link NodeCommand#REMOVED_BY_CLUSTER}); returns how many it started, and the unexpected
   * exit statuses it saw in {@code unexpected}.
   */
  int restartExited(List<String> unexpected) throws IOException {
    int restarted = 0;
    for (int i = 0; i < NODES; i++) {
      OptionalInt status = nodes[i].exitStatus();
      if (status.isPresent()) {
        if (status.getAsInt() != NodeCommand.REMOVED_BY_CLUSTER) {
          unexpected.add("node " + host(i) + " exited with status " + status.getAsInt() + ":\n" + nodes[i].logTail(30));
        }
        startNode(i);
        restarted++;
      }
    }
    return restarted;
  }

  /** Cuts node {@code i} off from the others. */
  void cut(int i) throws IOException {
    proxies[i].cut();
  }

  void heal(int i) throws IOException {
    proxies[i].heal();
  }

  /** Stops PostgreSQL (fast shutdown), waits {@code down}, and starts it again on the same data. */
  void restartPostgres(Duration down) {
    postgres.close();
    Eventually.sleep(down.toMillis());
    postgres = EmbeddedPostgres.start(postgresPort, directory.resolve("postgres"), true);
  }

  /** The logs of every node process started so far. */
  List<Path> logs() {
    return List.copyOf(logs);
  }

  @Override
  public void close() throws Exception {
    stopGenerator();
    for (NodeProcess node : nodes) {
      if (node != null) {
        node.close();
      }
    }
    for (TcpProxy proxy : proxies) {
      if (proxy != null) {
        proxy.close();
      }
    }
    s3.close();
    postgres.close();
  }
}
