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

/** A short run of {@code trickle bench sink} on its default sink path (the full run is the command's defaults). */
class SinkBenchmarkTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create();

  @Test
  void shouldMeasureDeliveriesAndCheckThem() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode = TrickleCli.execute(new String[] {"bench", "sink", "--db", db.serverUrl().toLibpqUrl(), "--rows", "3000",
        "--rounds", "1", "--batch", "20", "--cycles", "3"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exitCode, printed + err.toString(StandardCharsets.UTF_8));
    assertTrue(printed.contains("3000 inserted rows") && printed.contains("rows/s"), printed);
    assertTrue(printed.contains("added until the delta is in the lake"), printed);
    assertTrue(printed.contains("Checked: every refresh's delta was delivered once"), printed);
  }
}
