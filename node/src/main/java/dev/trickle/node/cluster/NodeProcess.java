package dev.trickle.node.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A {@code trickle node} in its own JVM on this machine, for benchmarks and multi-process
 * tests: started with a given Java command line, its output in a log file.
 */
public final class NodeProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String host;
  private final int clusterPort;
  private final int httpPort;
  private final int managementPort;
  private final Process process;
  private final Path log;

  private NodeProcess(String host, int clusterPort, int httpPort, int managementPort, Process process, Path log) {
    this.host = host;
    this.clusterPort = clusterPort;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.process = process;
    this.log = log;
  }

  /** The Java command that runs the {@code trickle} CLI from the packaged jar. */
  public static List<String> javaCommand(Path jar, String... jvmOptions) {
    if (!Files.exists(jar)) {
      throw new IllegalStateException("the packaged CLI " + jar + " is missing; run mvn package");
    }
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-jar", jar.toString()));
    return command;
  }

  /** The Java command that runs the {@code trickle} CLI with this JVM's class path. */
  public static List<String> javaCommand(String... jvmOptions) {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.trickle.node.Main"));
    return command;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Starts a node on {@code host} (e.g. 127.0.0.2) serving the databases, joining {@code seed}
   * (host:port; its own address for the first node).
   */
  public static NodeProcess start(List<String> javaCommand, String host, int clusterPort, int httpPort, int managementPort,
      List<String> databaseUrls, String seed) throws IOException {
    return start(javaCommand, host, clusterPort, httpPort, managementPort, databaseUrls, seed, Map.of());
  }

  /** Starts a node as {@link #start(List, String, int, int, int, List, String)} does, with more environment variables. */
  public static NodeProcess start(List<String> javaCommand, String host, int clusterPort, int httpPort, int managementPort,
      List<String> databaseUrls, String seed, Map<String, String> environment) throws IOException {
    Path log = Files.createTempFile("trickle-node-" + host + "-", ".log");
    List<String> command = new ArrayList<>(javaCommand);
    command.add("node");
    databaseUrls.forEach(url -> command.addAll(List.of("--db", url)));
    command.addAll(List.of("--host", host, "--port", Integer.toString(clusterPort), "--http-port",
        Integer.toString(httpPort), "--management-port", Integer.toString(managementPort), "--seeds", seed));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("TRICKLE_LOG_LEVEL", "INFO");
    builder.environment().putAll(environment);
    return new NodeProcess(host, clusterPort, httpPort, managementPort, builder.start(), log);
  }

  /** The node's cluster address, as the shards API names owners. */
  public String address() {
    return "pekko://trickle@" + host + ":" + clusterPort;
  }

  /** Whether {@code /alive} answers 200. */
  public boolean alive() {
    return get("http://" + host + ":" + managementPort + "/alive") != null;
  }

  /** Whether {@code /ready} answers 200. */
  public boolean ready() {
    return get("http://" + host + ":" + managementPort + "/ready") != null;
  }

  /** The JSON API's answer to a GET, or null when the node does not answer 200. */
  public String api(String path) {
    return get("http://" + host + ":" + httpPort + path);
  }

  /** Which node owns each stream table, as this node's shards API tells; empty when it does not answer. */
  public Map<String, String> owners() {
    String body = api("/api/cluster/shards");
    if (body == null) {
      return Map.of();
    }
    try {
      List<Map<String, Object>> shards = JSON.readValue(body, new TypeReference<>() {});
      Map<String, String> owners = new HashMap<>();
      shards.forEach(shard -> owners.put((String) shard.get("streamTable"), (String) shard.get("node")));
      return owners;
    } catch (IOException e) {
      return Map.of();
    }
  }

  /** The node JVM's process id. */
  public long pid() {
    return process.pid();
  }

  /** CPU time the node's JVM used so far (zero where the platform does not tell). */
  public Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** The last lines the node logged. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The file the node logs to. */
  public Path log() {
    return log;
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

  /** Whether the node's JVM is still running. */
  public boolean running() {
    return process.isAlive();
  }

  /** The exit status of a node that stopped, empty while it runs. */
  public OptionalInt exitStatus() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** SIGSTOP: the JVM freezes, as in a long garbage-collection pause, until {@link #resume()}. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** kill -9: no shutdown, no goodbye to the cluster. */
  public void kill() {
    process.destroyForcibly();
  }

  /** SIGTERM, then waits (30 s at most, then kills) for the node to leave the cluster and exit. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
