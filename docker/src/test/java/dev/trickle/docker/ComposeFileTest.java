package dev.trickle.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Docker Compose stack, checked without Docker: every service has an image or a build that
 * exists, host ports are unique, dependencies and volumes resolve, the nodes find each other,
 * PostgreSQL and MinIO by service name, every variable has a default, and Grafana gets the
 * settings its provisioning reads.
 */
class ComposeFileTest {
  private static final Path COMPOSE = Path.of("docker-compose.yml");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z_]+)(:?-[^}]*)?}");
  private static Map<String, Object> compose;
  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws Exception {
    compose = new Yaml().load(Files.readString(COMPOSE));
    services = (Map<String, Map<String, Object>>) compose.get("services");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value == null ? List.of() : (List<Object>) value;
  }

  @Test
  void shouldHaveTheSeedsServices() {
    assertEquals(Set.of("postgres", "minio", "minio-setup", "trickle-1", "trickle-2", "trickle-3", "generator", "grafana"),
        services.keySet());
    assertEquals("postgres:18", services.get("postgres").get("image"));
  }

  @Test
  void shouldBuildOrPullEveryService() {
    services.forEach((name, service) -> {
      assertTrue(service.containsKey("image") || service.containsKey("build"), name + " has an image or a build");
      Map<String, Object> build = map(service.get("build"));
      if (!build.isEmpty()) {
        Path context = Path.of(String.valueOf(build.get("context")));
        assertTrue(Files.isDirectory(context), name + ": build context " + context);
        assertTrue(Files.isRegularFile(context.resolve(String.valueOf(build.get("dockerfile")))), name + ": dockerfile");
      }
      String image = String.valueOf(service.getOrDefault("image", ""));
      assertFalse(image.endsWith(":latest") || (!image.isEmpty() && !image.contains(":")), name + ": pinned image " + image);
    });
  }

  @Test
  void shouldPublishEachHostPortOnce() {
    Set<String> hostPorts = new HashSet<>();
    services.forEach((name, service) -> {
      for (Object mapping : list(service.get("ports"))) {
        String hostPort = String.valueOf(mapping).split(":")[0];
        assertTrue(hostPorts.add(hostPort), name + " publishes host port " + hostPort + " a second time");
      }
    });
    assertTrue(hostPorts.containsAll(Set.of("8080", "3000", "5432", "9000", "9001")), hostPorts.toString());
  }

  @Test
  void shouldResolveDependenciesAndVolumes() {
    Set<String> namedVolumes = map(compose.get("volumes")).keySet();
    services.forEach((name, service) -> {
      Object dependsOn = service.get("depends_on");
      Set<String> dependencies = dependsOn instanceof Map ? map(dependsOn).keySet() : new TreeSet<>(list(dependsOn)
          .stream().map(String::valueOf).toList());
      for (String dependency : dependencies) {
        assertTrue(services.containsKey(dependency), name + " depends on a missing service " + dependency);
      }
      for (Object volume : list(service.get("volumes"))) {
        String source = String.valueOf(volume).split(":")[0];
        if (source.startsWith(".") || source.startsWith("/")) {
          assertTrue(Files.exists(Path.of(source)), name + " mounts a missing path " + source);
        } else {
          assertTrue(namedVolumes.contains(source), name + " uses an undeclared volume " + source);
        }
      }
    });
  }

  @Test
  void shouldLetTheNodesFindEachOtherAndTheirDatabaseAndLake() {
    for (String node : List.of("trickle-1", "trickle-2", "trickle-3")) {
      Map<String, Object> environment = map(services.get(node).get("environment"));
      assertEquals(node, environment.get("TRICKLE_HOST"), node + " advertises its service name");
      String seed = String.valueOf(environment.get("TRICKLE_SEEDS"));
      assertTrue(services.containsKey(seed.split(":")[0]) && seed.endsWith(":25520"), node + " seeds: " + seed);
      assertTrue(String.valueOf(environment.get("TRICKLE_DB_URL")).contains("@postgres:5432/"), node + " database");
      assertEquals("http://minio:9000", environment.get("TRICKLE_S3_ENDPOINT"), node + " lake");
      assertNotNull(environment.get("TRICKLE_ADMIN_TOKEN"), node + " admin token");
      assertEquals("8080", String.valueOf(list(services.get(node).get("ports")).get(0)).split(":")[1]);
    }
    List<String> command = list(services.get("generator").get("command")).stream().map(String::valueOf).toList();
    assertEquals("demo", command.get(0));
    assertEquals("${DEMO_SCENARIO:-ecommerce}", command.get(1), "DEMO_SCENARIO selects the scenario");
    assertTrue(command.containsAll(List.of("--nodes", "0")), "the generator runs no nodes of its own");
    String setup = String.valueOf(services.get("minio-setup").get("entrypoint"));
    String lake = command.get(command.indexOf("--s3") + 1);
    assertTrue(setup.contains("mb --ignore-existing demo/" + lake.replace("s3://", "").replace("/", "")),
        "minio-setup creates the generator's bucket: " + setup);
  }

  @Test
  void shouldGiveGrafanaWhatItsProvisioningReads() throws Exception {
    Map<String, Object> environment = map(services.get("grafana").get("environment"));
    Matcher used = VARIABLE.matcher(Files.readString(Path.of("grafana/provisioning/datasources/trickle.yml")));
    List<String> variables = new ArrayList<>();
    while (used.find()) {
      variables.add(used.group(1));
    }
    assertEquals(4, variables.size(), variables.toString());
    for (String variable : variables) {
      assertTrue(environment.containsKey(variable), "grafana sets " + variable);
    }
    assertEquals("postgres:5432", environment.get("TRICKLE_GRAFANA_DB_HOST"));
  }

  @Test
  void shouldGiveEveryVariableADefault() throws Exception {
    Matcher variable = VARIABLE.matcher(Files.readString(COMPOSE));
    int found = 0;
    while (variable.find()) {
      found++;
      assertNotNull(variable.group(2), "${" + variable.group(1) + "} has a default");
    }
    assertTrue(found > 5);
  }
}
