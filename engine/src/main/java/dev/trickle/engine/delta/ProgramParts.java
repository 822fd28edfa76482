package dev.trickle.engine.delta;

import dev.trickle.engine.AuxColumn;
import java.util.List;

/**
 * What a top-level rule produces: SQL for a stream table's full contents and for its change,
 * both yielding {@code __pgt_row_id} then the storage columns (query columns, then aux), and
 * the aux columns it keeps state in.
 *
 * @param strategy a short description for explain
 */
record ProgramParts(String fullSql, String deltaSql, List<AuxColumn> aux, String strategy) {
  ProgramParts {
    aux = List.copyOf(aux);
  }
}
