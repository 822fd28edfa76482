package dev.trickle.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node image's Dockerfile, linted by the rules we hold it to: pinned base images, a build
 * stage that copies every module the node needs (and only existing paths), apt-get without
 * recommends and without leftover lists, the poms of code-less modules (the reactor reads them), no ADD, a non-root USER in the final stage, a health
 * check on Pekko Management's /alive, and the node's ports exposed.
 */
class DockerfileTest {
  private static final Path ROOT = Path.of("..");
  private static List<String> instructions;

  @BeforeAll
  static void read() throws Exception {
    instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      current.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line).append(' ');
      if (!line.endsWith("\\")) {
        instructions.add(current.toString().strip().replaceAll("\\s+", " "));
        current.setLength(0);
      }
    }
  }

  private static List<String> all(String keyword) {
    return instructions.stream().filter(i -> i.startsWith(keyword + " ")).toList();
  }

  private static List<String> finalStage() {
    int last = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).startsWith("FROM ")) {
        last = i;
      }
    }
    return instructions.subList(last, instructions.size());
  }

  @Test
  void shouldPinEveryBaseImage() {
    List<String> froms = all("FROM");
    assertEquals(2, froms.size(), "a build stage and a runtime stage");
    for (String from : froms) {
      String image = from.split(" ")[1];
      assertTrue(image.contains(":") && !image.endsWith(":latest"), "pinned: " + from);
    }
  }

  @Test
  void shouldCopyEveryModuleTheNodeNeedsFromExistingPaths() throws Exception {
    Set<String> copied = new TreeSet<>();
    for (String copy : all("COPY")) {
      if (copy.contains("--from=")) {
        continue;
      }
      String source = copy.split(" ")[1];
      assertTrue(Files.exists(ROOT.resolve(source)), "COPY of a missing path: " + copy);
      copied.add(source);
    }
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (module.find()) {
      String name = module.group(1);
      if (Files.isDirectory(ROOT.resolve(name).resolve("src/main"))) {
        assertTrue(copied.contains(name), "the build copies module " + name);
      } else {
        assertTrue(copied.contains(name) || copied.contains(name + "/pom.xml"), "the reactor needs the pom of " + name);
      }
    }
    assertTrue(copied.contains("pom.xml"));
    List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
    for (String source : copied) {
      assertTrue(ignored.stream().noneMatch(pattern -> source.equals(pattern) || source.startsWith(pattern + "/")),
          source + " is copied but .dockerignore leaves it out of the build context");
    }
  }

  @Test
  void shouldKeepPackageInstallsLean() {
    assertTrue(all("ADD").isEmpty(), "COPY, never ADD");
    for (String run : all("RUN")) {
      if (run.contains("apt-get install")) {
        assertTrue(run.contains("--no-install-recommends") && run.contains("rm -rf /var/lib/apt/lists/*")
            && run.contains("apt-get update"), "apt-get rules: " + run);
      }
    }
  }

  @Test
  void shouldRunAsAnUnprivilegedUserWithAHealthCheck() {
    List<String> stage = finalStage();
    List<String> users = stage.stream().filter(i -> i.startsWith("USER ")).toList();
    assertEquals(1, users.size(), "one USER in the final stage");
    String user = users.get(0).substring("USER ".length()).split(":")[0];
    assertFalse(user.equals("root") || user.equals("0"), "not root: " + user);
    int userAt = stage.indexOf(users.get(0));
    int entrypointAt = stage.indexOf(stage.stream().filter(i -> i.startsWith("ENTRYPOINT ")).findFirst().orElseThrow());
    assertTrue(userAt < entrypointAt, "USER before ENTRYPOINT");
    String healthcheck = stage.stream().filter(i -> i.startsWith("HEALTHCHECK ")).findFirst().orElse("");
    assertTrue(healthcheck.contains("/alive"), "health check on /alive: " + healthcheck);
    String expose = stage.stream().filter(i -> i.startsWith("EXPOSE ")).findFirst().orElse("");
    assertEquals(Set.of("8080", "8558", "25520"), Set.of(expose.substring("EXPOSE ".length()).split(" ")));
  }
}
