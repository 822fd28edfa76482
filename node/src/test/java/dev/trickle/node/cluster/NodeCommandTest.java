package dev.trickle.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Where {@code trickle node} takes its databases and seeds from when its options do not give them. */
class NodeCommandTest {
  @TempDir Path directory;

  private static NodeCommand parsed(String... arguments) {
    NodeCommand command = new NodeCommand();
    new CommandLine(command).parseArgs(arguments);
    return command;
  }

  @Test
  void shouldTakeSeedsFromTheEnvironmentAndTheDatabaseFromASecretFile() throws Exception {
    Path url = Files.writeString(directory.resolve("db-url"), "postgresql://trickle:secret@db:5432/app\n");
    NodeOptions options = parsed("--host", "10.0.0.2").options(Map.of("TRICKLE_SEEDS", "10.0.0.1:25520, 10.0.0.2:25520",
        "TRICKLE_DB_URL_FILE", url.toString(), "TF_CLI_CONFIG_FILE", directory.resolve("unrelated").toString()));
    assertEquals(List.of("10.0.0.1:25520", "10.0.0.2:25520"), options.seeds());
    assertEquals(List.of("db-5432-app"), List.copyOf(options.databases().keySet()));
    assertEquals("secret", options.databases().get("db-5432-app").properties().getProperty("password"));
  }

  @Test
  void shouldPreferTheOptionsAndKeepAMultiHostUrlWhole() {
    NodeOptions options = parsed("--db", "postgresql://u@a:5432/one", "--seeds", "h:1").options(Map.of(
        "TRICKLE_SEEDS", "other:2", "TRICKLE_DB_URL", "postgresql://u@b:5432/two"));
    assertEquals(List.of("h:1"), options.seeds());
    assertEquals(List.of("a-5432-one"), List.copyOf(options.databases().keySet()));
    NodeOptions multiHost = parsed().options(Map.of("TRICKLE_DB_URL", "postgresql://u@h1:5432,h2:5433/app"));
    assertEquals(1, multiHost.databases().size(), multiHost.databases().toString());
  }

  @Test
  void shouldNameTheSecretFileItCannotRead() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> parsed().options(Map.of("TRICKLE_DB_URL_FILE", directory.resolve("missing").toString())));
    assertEquals("TRICKLE_DB_URL_FILE names " + directory.resolve("missing") + ", which cannot be read: "
        + "NoSuchFileException", error.getMessage());
  }
}
