package dev.trickle.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Secrets from the environment, where each may instead come from a file (Docker and
 * Kubernetes secrets mounted as files): {@code NAME}, else the contents of the file
 * {@code NAME_FILE} names, without its trailing line break. Errors name the variable and the
 * file, never the contents.
 */
public final class EnvironmentSecrets {
  /** The variables that may come from files. */
  public static final List<String> NAMES = List.of("PGPASSWORD", "TRICKLE_DB_URL", "TRICKLE_DB_URLS",
      "TRICKLE_ADMIN_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
  private static final String FILE_SUFFIX = "_FILE";

  private EnvironmentSecrets() {}

  /**
   * The environment with each secret of {@link #NAMES} that is unset read from the file its
   * {@code NAME_FILE} names, if any.
   *
   * @throws IllegalArgumentException when a named file cannot be read
   */
  public static Map<String, String> resolve(Map<String, String> environment) {
    Map<String, String> resolved = new HashMap<>(environment);
    NAMES.forEach(name -> secret(environment, name).ifPresent(value -> resolved.put(name, value)));
    return resolved;
  }

  /** The secret {@code name} (one of {@link #NAMES}) from this process's environment or the file {@code name_FILE} names. */
  public static Optional<String> get(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(name + " is not one of the secrets " + NAMES);
    }
    return secret(System.getenv(), name);
  }

  /** {@code name}'s value, else its file's contents (only that file is read); empty when neither is set. */
  private static Optional<String> secret(Map<String, String> environment, String name) {
    String given = environment.get(name);
    if (given != null && !given.isEmpty()) {
      return Optional.of(given);
    }
    String file = environment.get(name + FILE_SUFFIX);
    return file == null || file.isEmpty() ? Optional.empty() : Optional.of(read(name + FILE_SUFFIX, file));
  }

  private static String read(String variable, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
    } catch (IOException e) {
      throw new IllegalArgumentException(variable + " names " + file + ", which cannot be read: "
          + e.getClass().getSimpleName());
    }
  }
}
