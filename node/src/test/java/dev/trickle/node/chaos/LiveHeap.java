package dev.trickle.node.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A JVM's live heap: {@code jcmd PID GC.run}, then the heap used after that full collection. */
final class LiveHeap {
  private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

  private LiveHeap() {}

  /** Megabytes of heap still used after a full collection of the JVM {@code pid}. */
  static double megabytes(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Matcher used = USED.matcher(jcmd(pid, "GC.heap_info"));
    if (!used.find()) {
      throw new IOException("jcmd " + pid + " GC.heap_info shows no heap use");
    }
    return Long.parseLong(used.group(1)) / 1024.0;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process process = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
    }
    return output;
  }
}
