package dev.trickle.engine;

import dev.trickle.protocol.RefreshMode;
import java.util.List;
import java.util.Objects;

/**
 * What the database runs to refresh a stream table, stored in the catalog
 * ({@code pgt_stream_tables.refresh_program}) and executed by {@code pgtrickle._refresh} for
 * manual, scheduled and initial refreshes alike.
 *
 * @param format the program format version
 * @param mode FULL (recompute; rows identified by their contents) or DIFFERENTIAL
 * @param fullSql the full contents with row ids ({@code __pgt_row_id} then the storage columns);
 *     null for FULL programs, whose contents are the defining query itself
 * @param deltaSql the change with row ids and op ('I'/'D'); null for FULL programs
 * @param sources the oids of the relations whose change buffers {@code deltaSql} reads
 * @param aux the hidden storage columns the program keeps state in
 * @param plan the operator tree, for explain
 * @param strategy how the change is computed, for explain
 */
public record RefreshProgram(int format, RefreshMode mode, String fullSql, String deltaSql, List<Long> sources,
    List<AuxColumn> aux, String plan, String strategy) {
  /** The program format this compiler writes. */
  public static final int CURRENT_FORMAT = 2;

  public RefreshProgram {
    Objects.requireNonNull(mode, "mode");
    if (mode == RefreshMode.AUTO) {
      throw new IllegalArgumentException("a refresh program implements a concrete mode, not AUTO");
    }
    sources = List.copyOf(sources);
    aux = List.copyOf(aux);
  }

  /** A program that recomputes the defining query on every refresh. */
  public static RefreshProgram fullRecompute(String plan) {
    return new RefreshProgram(CURRENT_FORMAT, RefreshMode.FULL, null, null, List.of(), List.of(), plan,
        "full recompute");
  }
}
