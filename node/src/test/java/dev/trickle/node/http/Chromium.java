package dev.trickle.node.http;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Headless Chromium (Debian's chromium, never a downloaded browser) driven from the command line. */
final class Chromium {
  private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
      "--disable-background-networking", "--disable-component-update", "--no-first-run", "--window-size=1400,1800");

  private Chromium() {}

  /** TRICKLE_CHROMIUM, or chromium / chromium-browser on the PATH. */
  static Optional<String> find() {
    String configured = System.getenv("TRICKLE_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(configured);
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .flatMap(directory -> Stream.of("chromium", "chromium-browser").map(name -> Path.of(directory, name)))
        .filter(Files::isExecutable).map(Path::toString).findFirst();
  }

  /** The page's DOM after its scripts ran for {@code time} (virtual time: timers run, network is real). */
  static String dumpDom(String chromium, String url, Duration time) throws IOException, InterruptedException {
    return run(chromium, time, "--dump-dom", url);
  }

  /** Saves a PNG of the page after its scripts ran for {@code time}. */
  static void screenshot(String chromium, String url, Path png, Duration time) throws IOException, InterruptedException {
    Files.createDirectories(png.getParent());
    run(chromium, time, "--screenshot=" + png, url);
  }

  private static String run(String chromium, Duration time, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(chromium));
    command.addAll(FLAGS);
    command.add("--virtual-time-budget=" + time.toMillis());
    command.addAll(List.of(arguments));
    Path profile = Files.createTempDirectory("chromium-profile-");
    command.add(1, "--user-data-dir=" + profile);
    Path output = Files.createTempFile("chromium-", ".out");
    try {
      Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(time.toSeconds() + 60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("chromium did not finish: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("chromium exited with " + process.exitValue() + ": " + command);
      }
      return Files.readString(output, StandardCharsets.UTF_8);
    } finally {
      Files.delete(output);
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }
}
