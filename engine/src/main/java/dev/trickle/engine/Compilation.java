package dev.trickle.engine;

import dev.trickle.protocol.RefreshMode;
import java.util.Objects;

/**
 * The outcome of compiling a defining query: the mode the stream table will actually be
 * refreshed in, why (shown to users by {@code trickle explain} and the catalog), and the
 * program to run.
 */
public record Compilation(RefreshMode effectiveMode, String reason, RefreshProgram program) {
  public Compilation {
    Objects.requireNonNull(effectiveMode, "effectiveMode");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(program, "program");
  }
}
