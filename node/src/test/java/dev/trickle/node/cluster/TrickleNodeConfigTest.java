package dev.trickle.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trickle.postgres.DatabaseUrl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.FutureConverters;

/** How a node's options and settings become its Pekko configuration: seed nodes or Kubernetes API discovery. */
class TrickleNodeConfigTest {
  private static final Map<String, DatabaseUrl> DATABASES =
      Map.of("app", DatabaseUrl.parse("postgresql://trickle@db.example:5432/app"));

  private static final List<String> SERVICE_ACCOUNT_SETTINGS = List.of("api-ca-path", "api-token-path",
      "pod-namespace-path");

  @AfterEach
  void clearDiscovery() {
    System.clearProperty("trickle.node.discovery");
    SERVICE_ACCOUNT_SETTINGS.forEach(key -> System.clearProperty("pekko.discovery.kubernetes-api." + key));
    ConfigFactory.invalidateCaches();
  }

  /** What Kubernetes mounts into a pod for its service account: a CA certificate (made with keytool), a token, a namespace. */
  private static void fakeServiceAccount() throws Exception {
    Path account = Files.createTempDirectory("serviceaccount-");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Path keystore = account.resolve("ca.p12");
    for (List<String> command : List.of(
        List.of(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=test-ca",
            "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit"),
        List.of(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", keystore.toString(), "-storepass",
            "changeit", "-file", account.resolve("ca.crt").toString()))) {
      assertEquals(0, new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(), String.join(" ", command));
    }
    Files.writeString(account.resolve("token"), "test-token");
    Files.writeString(account.resolve("namespace"), "trickle-test");
    System.setProperty("pekko.discovery.kubernetes-api.api-ca-path", account.resolve("ca.crt").toString());
    System.setProperty("pekko.discovery.kubernetes-api.api-token-path", account.resolve("token").toString());
    System.setProperty("pekko.discovery.kubernetes-api.pod-namespace-path", account.resolve("namespace").toString());
    ConfigFactory.invalidateCaches();
  }

  private static void discovery(String value) {
    System.setProperty("trickle.node.discovery", value);
    ConfigFactory.invalidateCaches();
  }

  @Test
  void shouldSeedAClusterOfItsOwnOrTheGivenSeeds() {
    Config alone = TrickleNode.config(new NodeOptions(DATABASES, "10.0.0.1", 25520, 8080, 8558, List.of()));
    assertEquals(List.of("pekko://trickle@10.0.0.1:25520"), alone.getStringList("pekko.cluster.seed-nodes"));
    Config joining = TrickleNode.config(new NodeOptions(DATABASES, "10.0.0.2", 25520, 8080, 8558, List.of("10.0.0.1:25520")));
    assertEquals(List.of("pekko://trickle@10.0.0.1:25520"), joining.getStringList("pekko.cluster.seed-nodes"));
    assertEquals("10.0.0.2", joining.getString("pekko.management.http.hostname"));
  }

  @Test
  void shouldFormTheClusterFromKubernetesPodsWithKubernetesDiscovery() {
    discovery("kubernetes-api");
    Config config = TrickleNode.config(new NodeOptions(DATABASES, "10.1.2.3", 25520, 8080, 8558, List.of()));
    assertTrue(TrickleNode.kubernetesDiscovery(config));
    assertEquals(List.of(), config.getStringList("pekko.cluster.seed-nodes"));
    assertEquals("kubernetes-api",
        config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
    assertEquals("trickle", config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
    assertEquals("app.kubernetes.io/name=%s", config.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
    assertEquals("10.1.2.3", config.getString("pekko.management.http.hostname"));
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> TrickleNode.config(
        new NodeOptions(DATABASES, "10.1.2.3", 25520, 8080, 8558, List.of("10.0.0.1:25520"))));
    assertTrue(both.getMessage().contains("give one or the other"), both.getMessage());
  }

  @Test
  void shouldStartWithClusterBootstrapOutsideKubernetesAndStayAlive() throws Exception {
    fakeServiceAccount();
    discovery("kubernetes-api");
    int management = Ports.free(18658);
    try (TrickleNode node = TrickleNode.start(new NodeOptions(DATABASES, "127.0.0.1", Ports.free(25720),
        Ports.free(18180), management, List.of()))) {
      HttpResponse<String> alive = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + management + "/alive")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, alive.statusCode(), "bootstrap looks for pods (and finds no Kubernetes API) while the node lives");
      assertTrue(FutureConverters.asJava(ClusterBootstrap.get(Adapter.toClassic(node.system())).selfContactPoint())
          .toCompletableFuture().get(5, TimeUnit.SECONDS).toString().contains(":" + management), "bootstrap started");
    }
  }

  @Test
  void shouldRefuseAnUnknownDiscovery() {
    discovery("dns");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> TrickleNode.config(new NodeOptions(DATABASES, "10.0.0.1", 25520, 8080, 8558, List.of())));
    assertTrue(error.getMessage().contains("got 'dns'"), error.getMessage());
  }
}
