package dev.trickle.engine.delta;

import java.util.List;

/**
 * A query compiled for use as a FROM item: its current rows and its change (a CTE added to the
 * statement being built), both with the query's columns followed by one identity column
 * {@code __pgt_k1}.
 */
interface Subquery {
  /** SELECT of the current rows. */
  String newSql();

  /** The name of the CTE (added to {@code ctes} on first use) holding the change with __pgt_w. */
  String deltaCte(Ctes ctes);

  /** The query's column names. */
  List<String> columns();
}
