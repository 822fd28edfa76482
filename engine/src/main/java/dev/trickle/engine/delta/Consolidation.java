package dev.trickle.engine.delta;

import java.util.ArrayList;
import java.util.List;

/**
 * Sums the weights of equal rows of a Z-set (same identity, same contents) and drops rows
 * whose weights cancel: a row inserted and deleted within one change disappears.
 */
final class Consolidation {
  private Consolidation() {}

  /**
   * SQL over {@code changes} (columns + __pgt_w) keeping one row per (identity, contents) with
   * its net weight in {@code __pgt_net}; works for every column type (contents compare as text).
   */
  static String net(String changes, List<String> contents, List<String> identity) {
    List<String> partition = new ArrayList<>(identity);
    partition.add("ROW(" + String.join(", ", contents) + ")::text");
    String by = String.join(", ", partition);
    return "SELECT * FROM (SELECT *, sum(__pgt_w) OVER (PARTITION BY " + by + ") AS __pgt_net, "
        + "row_number() OVER (PARTITION BY " + by + ") AS __pgt_rn FROM " + changes + ") __pgt_z"
        + " WHERE __pgt_rn = 1 AND __pgt_net <> 0";
  }
}
