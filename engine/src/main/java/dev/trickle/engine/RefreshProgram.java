package dev.trickle.engine;

import dev.trickle.protocol.RefreshMode;
import java.util.Objects;

/**
 * What the database runs to refresh a stream table, stored in the catalog
 * ({@code pgt_stream_tables.refresh_program}) and executed by {@code pgtrickle._refresh} for
 * manual, scheduled and initial refreshes alike.
 *
 * @param format the program format version, so that stored programs from older compilers
 *     are recognised
 * @param mode the refresh mode the program implements: FULL recomputes the defining query
 *     and applies the difference, with rows identified by their content
 */
public record RefreshProgram(int format, RefreshMode mode) {
  /** The program format this compiler writes. */
  public static final int CURRENT_FORMAT = 1;

  public RefreshProgram {
    Objects.requireNonNull(mode, "mode");
    if (mode == RefreshMode.AUTO) {
      throw new IllegalArgumentException("a refresh program implements a concrete mode, not AUTO");
    }
  }

  /** A program that recomputes the defining query on every refresh. */
  public static RefreshProgram fullRecompute() {
    return new RefreshProgram(CURRENT_FORMAT, RefreshMode.FULL);
  }
}
