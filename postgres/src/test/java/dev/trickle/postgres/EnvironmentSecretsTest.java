package dev.trickle.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentSecretsTest {
  @TempDir Path directory;

  @Test
  void shouldReadAVariableFromTheFileItsFileVariableNamesUnlessItIsSet() throws IOException {
    Path token = Files.writeString(directory.resolve("token"), "s3cr3t\n");
    Path key = Files.writeString(directory.resolve("key"), "from-file");
    Map<String, String> resolved = EnvironmentSecrets.resolve(Map.of("TRICKLE_ADMIN_TOKEN_FILE", token.toString(),
        "AWS_SECRET_ACCESS_KEY", "from-env", "AWS_SECRET_ACCESS_KEY_FILE", key.toString(), "OTHER", "x",
        "TF_CLI_CONFIG_FILE", directory.resolve("not-a-secret").toString()));
    assertEquals("s3cr3t", resolved.get("TRICKLE_ADMIN_TOKEN"), "the trailing line break is not part of it");
    assertEquals("from-env", resolved.get("AWS_SECRET_ACCESS_KEY"), "the variable wins over its file");
    assertEquals("x", resolved.get("OTHER"));
    assertFalse(resolved.containsKey("TF_CLI_CONFIG"), "other programs' _FILE variables are not Trickle's secrets");
  }

  @Test
  void shouldNameTheVariableAndFileItCannotReadButNotTheContents() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> EnvironmentSecrets.resolve(Map.of("PGPASSWORD_FILE", directory.resolve("missing").toString())));
    assertEquals("PGPASSWORD_FILE names " + directory.resolve("missing") + ", which cannot be read: NoSuchFileException",
        error.getMessage());
    assertFalse(EnvironmentSecrets.resolve(Map.of()).containsKey("PGPASSWORD"));
  }
}
