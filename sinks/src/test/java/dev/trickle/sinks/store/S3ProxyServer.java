package dev.trickle.sinks.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An S3-compatible server for tests: S3Proxy in a child JVM, storing objects in a directory,
 * with fixed credentials. It can be stopped and started again on the same port and data (an
 * S3 outage).
 */
public final class S3ProxyServer implements AutoCloseable {
  static final String ACCESS_KEY = "trickle-test";
  static final String SECRET_KEY = "trickle-test-secret";

  private final Path directory;
  private final int port;
  private Process process;

  private S3ProxyServer(Path directory, int port) {
    this.directory = directory;
    this.port = port;
  }

  /** Starts a server on a free port with a fresh data directory. */
  public static S3ProxyServer start() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    S3ProxyServer server = new S3ProxyServer(Files.createTempDirectory("s3proxy-"), port);
    server.resume();
    return server;
  }

  /** Starts the server (again), waiting until it accepts connections. */
  public void resume() throws IOException {
    Files.createDirectories(directory.resolve("data"));
    Path properties = directory.resolve("s3proxy.conf");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + directory.resolve("data")));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "org.gaul.s3proxy.Main", "--properties", properties.toString()))
        .redirectErrorStream(true).redirectOutput(directory.resolve("s3proxy.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!accepting()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start; its log: " + directory.resolve("s3proxy.log"));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting S3Proxy", e);
      }
    }
  }

  /** Stops the server, keeping its data. */
  public void pause() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** Creates a bucket, as a storage administrator would. */
  public void createBucket(String name) throws IOException {
    Files.createDirectories(directory.resolve("data").resolve(name));
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public S3Settings settings() {
    return new S3Settings(Optional.of(endpoint()), "us-east-1", true, Optional.of(ACCESS_KEY), Optional.of(SECRET_KEY));
  }

  private boolean accepting() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    pause();
  }
}
