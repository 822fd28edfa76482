package dev.trickle.node.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@code trickle node} in its own JVM, started from the packaged jar, for multi-process tests. */
final class NodeProcess implements AutoCloseable {
  static final int CLUSTER_PORT = 25520;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String host;
  final int httpPort;
  final int managementPort;
  private final Process process;
  final Path log;

  private NodeProcess(String host, int httpPort, int managementPort, Process process, Path log) {
    this.host = host;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.process = process;
    this.log = log;
  }

  /** Starts a node on {@code host} (127.0.0.x) joining the seed on 127.0.0.1. */
  static NodeProcess start(String host, String databaseUrl, int httpPort, int managementPort) throws IOException {
    Path jar = Path.of(System.getProperty("trickle.jar", "target/trickle.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException("the packaged CLI " + jar + " is missing; run mvn verify (it packages first)");
    }
    Path log = Files.createTempFile("trickle-node-" + host + "-", ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar.toString(), "node", "--db", databaseUrl, "--host", host, "--port",
        Integer.toString(CLUSTER_PORT), "--http-port", Integer.toString(httpPort), "--management-port",
        Integer.toString(managementPort), "--seeds", "127.0.0.1:" + CLUSTER_PORT));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("TRICKLE_LOG_LEVEL", "INFO");
    return new NodeProcess(host, httpPort, managementPort, builder.start(), log);
  }

  /** The node's cluster address. */
  String address() {
    return "pekko://trickle@" + host + ":" + CLUSTER_PORT;
  }

  /** Whether {@code /ready} answers 200. */
  boolean ready() {
    return get("http://" + host + ":" + managementPort + "/ready") != null;
  }

  /** The API's answer to a GET, or null when the node does not answer 200. */
  String api(String path) {
    return get("http://" + host + ":" + httpPort + path);
  }

  private static String get(String url) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** kill -9: no shutdown, no goodbye to the cluster. */
  void kill() {
    process.destroyForcibly();
  }

  boolean alive() {
    return process.isAlive();
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, then waits for the node to leave the cluster and exit. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(30), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
    }
  }
}
