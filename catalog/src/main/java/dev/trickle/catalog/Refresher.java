package dev.trickle.catalog;

import dev.trickle.protocol.InitiatedBy;
import dev.trickle.protocol.StreamTableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Runs refreshes through {@code pgtrickle._refresh}, the same code path a SQL user gets with
 * {@code pgtrickle.refresh_stream_table}: each refresh is one transaction, fenced by the stream
 * table's advisory lock.
 */
public final class Refresher {
  private final ConnectionSource connections;
  private final StreamTableCatalog catalog;
  private final StreamTableDefinitions definitions;

  public Refresher(ConnectionSource connections, StreamTableDefinitions definitions) {
    this.connections = connections;
    this.catalog = new StreamTableCatalog(connections);
    this.definitions = definitions;
  }

  /**
   * Refreshes a stream table now, on behalf of a user: compiles it first if it is waiting for
   * that, waits for a concurrent refresh to finish, and fails with the database's reason.
   */
  public RefreshRecord refreshNow(String name) {
    StreamTableInfo table = catalog.find(name);
    if (!table.compiled() && table.status() == dev.trickle.protocol.StreamTableStatus.INITIALIZING) {
      table = definitions.compile(table);
    }
    long id = table.id().value();
    Long refreshId = Sql.inTransaction(connections, connection ->
        (Long) Sql.call(connection, "SELECT pgtrickle._refresh(?, 'MANUAL', true)", id));
    return catalog.refreshRecord(refreshId);
  }

  /**
   * Refreshes a stream table on behalf of the scheduler: skips it when another session holds
   * its lock, and records a failure (consecutive error count, history row) when it fails.
   */
  public RefreshOutcome refreshScheduled(StreamTableId id) {
    Instant start = Instant.now();
    try {
      Long refreshId = Sql.inTransaction(connections, connection ->
          (Long) Sql.call(connection, "SELECT pgtrickle._refresh(?, 'SCHEDULER', false)", id.value()));
      if (refreshId == null) {
        return new RefreshOutcome.Skipped();
      }
      return new RefreshOutcome.Completed(catalog.refreshRecord(refreshId));
    } catch (CatalogException e) {
      recordFailure(id, start, e.getMessage());
      return new RefreshOutcome.Failed(e.getMessage());
    }
  }

  private void recordFailure(StreamTableId id, Instant start, String message) {
    try (Connection connection = connections.open()) {
      Sql.call(connection, "SELECT pgtrickle._record_failure(?, 'FULL', ?, ?, ?)",
          id.value(), InitiatedBy.SCHEDULER.name(), Timestamp.from(start), message);
    } catch (SQLException e) {
      throw CatalogException.from(e);
    }
  }
}
