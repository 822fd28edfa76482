package dev.trickle.sharding.coordinator;

import dev.trickle.catalog.CatalogException;

/**
 * Where a coordinator reads its database's catalog. {@link #load()} blocks on JDBC: the
 * coordinator calls it on the blocking dispatcher.
 */
public interface CatalogSource {
  /**
   * Compiles stream tables defined through SQL that wait for it, then reads the catalog.
   *
   * @throws CatalogException when the database cannot be read
   */
  CatalogSnapshot load();
}
