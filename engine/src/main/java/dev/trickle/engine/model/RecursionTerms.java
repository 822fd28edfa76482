package dev.trickle.engine.model;

import java.util.List;

/**
 * The terms of a WITH RECURSIVE ... UNION whose rows can be maintained by delete-and-rederive:
 * every term selects from tables and inner joins only, reads each table at most once, and has no
 * grouping, aggregate, window, DISTINCT ON or LIMIT, so its rows only grow as its tables grow.
 * Tables are {@link SubqueryTables} tokens; the step's reference to the recursion itself is
 * {@link #SELF}, keeping the reference's alias.
 *
 * @param base the terms that do not read the recursion
 * @param step the term that reads it (once; PostgreSQL allows one such term), its WHERE ANDed
 *     with {@link #REDERIVED_ONLY}
 * @param probes per output of the step, the {@code alias.column} of a NOT NULL table column it
 *     is, else null: rows the step derives again can be looked up by these
 */
public record RecursionTerms(List<String> base, String step, List<String> probes) {
  /** What the step's reference to the recursion prints as. */
  public static final String SELF = "__pgt_recursion_self";

  /** What a condition narrowing the step to some outputs replaces (true when there is none). */
  public static final String REDERIVED_ONLY = "__pgt_rederived_only";

  public RecursionTerms {
    base = List.copyOf(base);
    probes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(probes));
  }
}
