package dev.trickle.sinks.ducklake;

import dev.trickle.sinks.store.ObjectStore;
import dev.trickle.sinks.store.ObjectStores;
import dev.trickle.sinks.store.S3ProxyServer;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The DuckLake sink writing to an S3-compatible server (S3Proxy in a child process). */
class S3DuckLakeSinkTest extends DuckLakeSinkContract {
  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws IOException {
    server = S3ProxyServer.start();
    server.createBucket("lake");
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    server.close();
  }

  @Override
  String sinkPath() {
    return "s3://lake/" + UUID.randomUUID() + "/";
  }

  @Override
  ObjectStore openStore(String sinkPath) {
    return ObjectStores.open(sinkPath, server.settings());
  }
}
