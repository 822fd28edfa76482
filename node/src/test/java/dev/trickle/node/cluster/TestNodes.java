package dev.trickle.node.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Nodes for multi-process tests: the packaged jar on 127.0.0.x, all on one cluster port, seeded by 127.0.0.1. */
final class TestNodes {
  static final int CLUSTER_PORT = 25520;
  /** Every test node's admin token (the API refuses admin actions without one). */
  static final String ADMIN_TOKEN = "test-admin-token";

  private TestNodes() {}

  static NodeProcess start(String host, String databaseUrl, int httpPort, int managementPort) throws IOException {
    return start(host, databaseUrl, httpPort, managementPort, Map.of());
  }

  /** A node with more environment variables (S3 settings, for instance). */
  static NodeProcess start(String host, String databaseUrl, int httpPort, int managementPort,
      Map<String, String> environment) throws IOException {
    Path jar = Path.of(System.getProperty("trickle.jar", "target/trickle.jar"));
    Map<String, String> withToken = new HashMap<>(environment);
    withToken.put("TRICKLE_ADMIN_TOKEN", ADMIN_TOKEN);
    return NodeProcess.start(NodeProcess.javaCommand(jar, "-Xmx256m"), host, CLUSTER_PORT, httpPort, managementPort,
        List.of(databaseUrl), "127.0.0.1:" + CLUSTER_PORT, withToken);
  }
}
