package dev.trickle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.trickle.protocol.RefreshMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: each query in {@code src/test/resources/golden} compiles to exactly the mode,
 * operator tree and SQL recorded next to it. Run with {@code -Dtrickle.golden.update=true} to
 * rewrite the recorded files after an intended change (then review the diff).
 */
class GoldenProgramTest {
  private static final Path DIRECTORY = Path.of("src", "test", "resources", "golden");
  private static final boolean UPDATE = Boolean.getBoolean("trickle.golden.update");

  private final FakeSchemaCatalog catalog = new FakeSchemaCatalog()
      .table("accounts", List.of("id"), "id integer", "region text", "tier text", "balance numeric")
      .table("events", List.of("id"), "id bigint", "account_id integer", "kind text", "amount integer", "note text")
      .table("game_scores", List.of("score_id"), "score_id bigint", "player_id integer", "player_name text",
          "game_id integer", "score integer")
      .view("big_events", "SELECT events.id, events.account_id, events.amount FROM public.events WHERE events.amount > 20",
          "id bigint", "account_id integer", "amount integer")
      .table("readings", List.of(), "sensor integer", "value double precision");

  @TestFactory
  Stream<DynamicTest> shouldCompileEveryGoldenQueryToItsRecordedProgram() throws IOException {
    List<Path> queries;
    try (Stream<Path> files = Files.list(DIRECTORY)) {
      queries = files.filter(file -> file.toString().endsWith(".sql")).sorted().toList();
    }
    assertFalse(queries.isEmpty(), "no golden queries in " + DIRECTORY.toAbsolutePath());
    return queries.stream().map(query -> DynamicTest.dynamicTest(query.getFileName().toString(), () -> check(query)));
  }

  private void check(Path queryFile) throws IOException {
    String text = Files.readString(queryFile, StandardCharsets.UTF_8);
    String header = text.lines().findFirst().orElseThrow();
    if (!header.startsWith("-- outputs: ")) {
      throw new IllegalArgumentException(queryFile + " must start with '-- outputs: name type, ...'");
    }
    List<OutputColumnInfo> outputs = new ArrayList<>();
    for (String column : header.substring("-- outputs: ".length()).split(",")) {
      String[] parts = column.trim().split(" ", 2);
      outputs.add(new OutputColumnInfo(parts[0], parts[1]));
    }
    String query = text.substring(header.length()).strip();
    String name = queryFile.getFileName().toString().replaceFirst("\\.sql$", "");
    Compilation compilation = new RefreshCompiler().compile("public." + name, query, RefreshMode.AUTO, catalog, outputs);
    String actual = render(compilation);
    Path goldenFile = queryFile.resolveSibling(name + ".golden");
    if (UPDATE) {
      Files.writeString(goldenFile, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(goldenFile, StandardCharsets.UTF_8), actual,
        "compiled program of " + queryFile + " (rerun with -Dtrickle.golden.update=true after an intended change)");
  }

  private static String render(Compilation compilation) {
    RefreshProgram program = compilation.program();
    return "== mode\n" + compilation.effectiveMode() + ": " + compilation.reason() + "\n"
        + "== operator tree\n" + program.plan().strip() + "\n"
        + "== full refresh SQL\n" + String.valueOf(program.fullSql()).strip() + "\n"
        + "== delta SQL\n" + String.valueOf(program.deltaSql()).strip() + "\n";
  }
}
