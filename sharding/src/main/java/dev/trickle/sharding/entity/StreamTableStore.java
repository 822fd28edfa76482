package dev.trickle.sharding.entity;

import dev.trickle.catalog.CatalogException;
import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.catalog.StreamTableInfo;
import java.util.List;
import java.util.Optional;

/**
 * What a stream table entity does in its database. Every method blocks on JDBC: entities call
 * them on the blocking dispatcher, never on an actor thread.
 */
public interface StreamTableStore {
  /**
   * The stream table as the catalog has it; empty once it was dropped.
   *
   * @throws CatalogException when the database cannot answer
   */
  Optional<StreamTableInfo> read(long id);

  /**
   * Refreshes one stream table, or a diamond group in one transaction (in dependency order,
   * the entity's own table last). Never throws: failures are outcomes.
   */
  RefreshOutcome refresh(List<Long> members);

  /**
   * Marks the stream table SUSPENDED in the catalog with the reason.
   *
   * @throws CatalogException when the database cannot be reached
   */
  void suspend(long id, String reason);
}
