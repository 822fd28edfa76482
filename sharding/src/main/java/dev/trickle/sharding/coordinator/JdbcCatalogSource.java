package dev.trickle.sharding.coordinator;

import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.StreamTableCatalog;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.engine.RefreshCompiler;

/** The catalog of one database, read over JDBC. Thread-safe. */
public final class JdbcCatalogSource implements CatalogSource {
  private final StreamTableCatalog catalog;
  private final StreamTableDefinitions definitions;

  public JdbcCatalogSource(ConnectionSource connections) {
    this.catalog = new StreamTableCatalog(connections);
    this.definitions = new StreamTableDefinitions(connections, new RefreshCompiler());
  }

  @Override
  public CatalogSnapshot load() {
    definitions.compilePending();
    return new CatalogSnapshot(catalog.list(), catalog.edges(), catalog.sources());
  }
}
