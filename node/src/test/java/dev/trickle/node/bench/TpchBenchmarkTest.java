package dev.trickle.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.node.TrickleCli;
import dev.trickle.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A short run of {@code trickle bench tpch} at a tiny scale: all 22 queries stay equal to their queries. */
class TpchBenchmarkTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create();

  @Test
  void shouldKeepEveryQueryCorrectThroughTheRefreshFunctions() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode = TrickleCli.execute(new String[] {"bench", "tpch", "--db", db.serverUrl().toLibpqUrl(), "--scale", "0.01",
        "--rounds", "1"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exitCode, printed + err.toString(StandardCharsets.UTF_8));
    assertTrue(printed.contains("correct: 22/22;"), printed);
  }

  @Test
  void shouldRefuseAQueryNumberTpchDoesNotHave() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode = TrickleCli.execute(new String[] {"bench", "tpch", "--queries", "23"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, exitCode);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("TPC-H queries are numbered 1 to 22, not 23"), err.toString(StandardCharsets.UTF_8));
  }
}
