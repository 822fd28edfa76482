package dev.trickle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Every overlay rendered by {@code kubectl kustomize}, and the objects checked: the nodes'
 * Deployment (cluster bootstrap through the Kubernetes API, probes on /ready and /alive, a
 * non-root read-only pod, resources, credentials only from Secrets, configuration from the
 * ConfigMap), RBAC limited to reading pods, the Services and the disruption budget selecting the
 * pods; the local demo brings PostgreSQL, MinIO, the generator and its Secrets, production none.
 */
class KustomizeTest {
  private static final Map<String, String> POD_LABELS = Map.of("app.kubernetes.io/name", "trickle");

  private static Optional<String> kubectl() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(directory -> Path.of(directory, "kubectl")).filter(Files::isExecutable).map(Path::toString).findFirst();
  }

  private static List<Map<String, Object>> render(String overlay) throws Exception {
    Optional<String> kubectl = kubectl();
    if (System.getenv("TRICKLE_REQUIRE_KUBECTL") != null) {
      assertTrue(kubectl.isPresent(), "no kubectl on PATH");
    }
    Assumptions.assumeTrue(kubectl.isPresent(), "no kubectl on PATH: the manifests are not rendered");
    Process process = new ProcessBuilder(kubectl.get(), "kustomize", "overlays/" + overlay).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize finished");
    assertEquals(0, process.exitValue(), "kubectl kustomize overlays/" + overlay + ": " + output);
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object document : new Yaml().loadAll(output)) {
      if (document != null) {
        objects.add(map(document));
      }
    }
    return objects;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value == null ? List.of() : (List<Object>) value;
  }

  private static Object at(Object value, String... path) {
    Object current = value;
    for (String key : path) {
      current = key.matches("\\d+") ? list(current).get(Integer.parseInt(key)) : map(current).get(key);
    }
    return current;
  }

  private static List<Map<String, Object>> ofKind(List<Map<String, Object>> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  private static Map<String, Object> named(List<Map<String, Object>> objects, String kind, String name) {
    return ofKind(objects, kind).stream().filter(o -> name.equals(at(o, "metadata", "name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static Map<String, Object> env(Map<String, Object> container, String name) {
    return list(container.get("env")).stream().map(KustomizeTest::map).filter(e -> name.equals(e.get("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no env " + name));
  }

  private static boolean selects(Object selector, Map<String, String> labels) {
    Map<String, Object> match = map(selector).containsKey("matchLabels") ? map(map(selector).get("matchLabels"))
        : map(selector);
    return !match.isEmpty() && match.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local-demo", "production"})
  void shouldRunTheNodesAsAClusterThatBootstrapsFromTheKubernetesApi(String overlay) throws Exception {
    List<Map<String, Object>> objects = render(overlay);
    Map<String, Object> deployment = named(objects, "Deployment", "trickle");
    Map<String, Object> pod = map(at(deployment, "spec", "template"));
    assertTrue(selects(at(deployment, "spec", "selector"), POD_LABELS));
    assertTrue(map(at(pod, "metadata", "labels")).entrySet().containsAll(POD_LABELS.entrySet()));
    assertEquals(3, at(deployment, "spec", "replicas"));
    assertEquals("trickle", at(pod, "spec", "serviceAccountName"));
    assertEquals(true, at(pod, "spec", "securityContext", "runAsNonRoot"));
    assertNotEquals(0, at(pod, "spec", "securityContext", "runAsUser"));

    Map<String, Object> container = map(at(pod, "spec", "containers", "0"));
    assertEquals(true, at(container, "securityContext", "readOnlyRootFilesystem"));
    assertEquals(false, at(container, "securityContext", "allowPrivilegeEscalation"));
    assertEquals(List.of("ALL"), at(container, "securityContext", "capabilities", "drop"));
    assertTrue(list(container.get("volumeMounts")).stream().anyMatch(m -> "/tmp".equals(map(m).get("mountPath"))),
        "a writable /tmp");
    assertEquals(Map.of("path", "/ready", "port", "management"), at(container, "readinessProbe", "httpGet"));
    assertEquals(Map.of("path", "/alive", "port", "management"), at(container, "livenessProbe", "httpGet"));
    Map<Object, Object> ports = new HashMap<>();
    list(container.get("ports")).forEach(p -> ports.put(map(p).get("name"), map(p).get("containerPort")));
    assertEquals(Map.of("http", 8080, "management", 8558, "remoting", 25520), ports);
    assertTrue(at(container, "resources", "requests", "cpu") != null && at(container, "resources", "requests", "memory") != null);
    assertEquals("status.podIP", at(env(container, "TRICKLE_HOST"), "valueFrom", "fieldRef", "fieldPath"));
    for (Object variable : list(container.get("env"))) {
      String name = String.valueOf(map(variable).get("name"));
      if (name.matches(".*(TOKEN|SECRET|PASSWORD|KEY_ID|DB_URL).*")) {
        assertTrue(at(variable, "valueFrom", "secretKeyRef") != null, name + " comes from a Secret");
      }
    }

    String configMap = String.valueOf(at(container, "envFrom", "0", "configMapRef", "name"));
    Map<String, Object> config = named(objects, "ConfigMap", configMap);
    assertEquals("kubernetes-api", at(config, "data", "TRICKLE_DISCOVERY"));
    assertEquals("trickle", at(config, "data", "TRICKLE_SERVICE_NAME"), "the pods' app.kubernetes.io/name");

    Map<String, Object> role = named(objects, "Role", "trickle-pod-reader");
    assertEquals(1, list(role.get("rules")).size());
    assertEquals(List.of("pods"), at(role, "rules", "0", "resources"));
    assertEquals(Set.of("get", "watch", "list"), Set.copyOf(list(at(role, "rules", "0", "verbs"))));
    Map<String, Object> binding = named(objects, "RoleBinding", "trickle-pod-reader");
    assertEquals("trickle-pod-reader", at(binding, "roleRef", "name"));
    assertEquals("trickle", at(binding, "subjects", "0", "name"));
    assertEquals("ServiceAccount", at(binding, "subjects", "0", "kind"));
    named(objects, "ServiceAccount", "trickle");

    Map<String, Object> dashboard = named(objects, "Service", "trickle-dashboard");
    assertTrue(selects(at(dashboard, "spec", "selector"), POD_LABELS));
    assertEquals(Map.of("name", "http", "port", 8080, "targetPort", "http"), at(dashboard, "spec", "ports", "0"));
    Map<String, Object> management = named(objects, "Service", "trickle-management");
    assertTrue(selects(at(management, "spec", "selector"), POD_LABELS));
    assertEquals("management", at(management, "spec", "ports", "0", "targetPort"));
    Map<String, Object> budget = named(objects, "PodDisruptionBudget", "trickle");
    assertTrue(selects(at(budget, "spec", "selector"), POD_LABELS));
    assertEquals(1, at(budget, "spec", "maxUnavailable"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local-demo", "production"})
  void shouldReferenceOnlySecretsTheOverlayProvidesOrTheOperatorCreates(String overlay) throws Exception {
    List<Map<String, Object>> objects = render(overlay);
    Set<String> secrets = new TreeSet<>();
    ofKind(objects, "Secret").forEach(secret -> secrets.add(String.valueOf(at(secret, "metadata", "name"))));
    Set<String> referenced = new TreeSet<>();
    for (Map<String, Object> workload : objects) {
      Object containers = at(workload, "spec", "template", "spec", "containers");
      for (Object container : list(containers)) {
        for (Object variable : list(map(container).get("env"))) {
          Object reference = at(variable, "valueFrom", "secretKeyRef");
          if (reference != null) {
            referenced.add(String.valueOf(map(reference).get("name")));
          }
        }
      }
    }
    if (overlay.equals("production")) {
      assertTrue(secrets.isEmpty(), "production generates no credentials: " + secrets);
      assertEquals(Set.of("trickle-admin", "trickle-database", "trickle-s3"), referenced);
      assertTrue(ofKind(objects, "Deployment").stream().noneMatch(d -> "postgres".equals(at(d, "metadata", "name"))));
      assertEquals("registry.example.com/trickle:0.1.0",
          at(named(objects, "Deployment", "trickle"), "spec", "template", "spec", "containers", "0", "image"));
    } else {
      assertEquals(secrets, referenced, "every Secret the demo references is generated, and used");
      assertEquals(3, secrets.size());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local-demo"})
  void shouldBringTheDemosDatabaseLakeAndGenerator(String overlay) throws Exception {
    List<Map<String, Object>> objects = render(overlay);
    for (String name : List.of("postgres", "minio", "trickle-generator")) {
      Map<String, Object> deployment = named(objects, "Deployment", name);
      assertEquals(1, at(deployment, "spec", "replicas"));
    }
    assertEquals("postgres:18", at(named(objects, "Deployment", "postgres"), "spec", "template", "spec", "containers", "0",
        "image"));
    named(objects, "Service", "postgres");
    named(objects, "Service", "minio");
    named(objects, "Job", "minio-setup");
    List<Object> generator = list(at(named(objects, "Deployment", "trickle-generator"), "spec", "template", "spec",
        "containers", "0", "args"));
    assertEquals(List.of("demo", "$(DEMO_SCENARIO)", "--nodes", "0", "--db", "$(TRICKLE_DB_URL)", "--s3",
        "s3://trickle-demo/"), generator);
    String configMap = String.valueOf(at(named(objects, "Deployment", "trickle"), "spec", "template", "spec", "containers",
        "0", "envFrom", "0", "configMapRef", "name"));
    assertEquals("http://minio:9000", at(named(objects, "ConfigMap", configMap), "data", "TRICKLE_S3_ENDPOINT"));
    for (Map<String, Object> object : objects) {
      if (!Set.of("Namespace").contains(object.get("kind"))) {
        assertEquals("trickle-demo", at(object, "metadata", "namespace"), object.get("kind") + " in the namespace");
      }
    }
    assertFalse(ofKind(objects, "Namespace").isEmpty());
  }
}
