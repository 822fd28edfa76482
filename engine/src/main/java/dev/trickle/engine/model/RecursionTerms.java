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
 * @param step the term that reads it (once; PostgreSQL allows one such term)
 */
public record RecursionTerms(List<String> base, String step) {
  /** What a step's reference to the recursion prints as. */
  public static final String SELF = "__pgt_recursion_self";

  public RecursionTerms {
    base = List.copyOf(base);
  }
}
