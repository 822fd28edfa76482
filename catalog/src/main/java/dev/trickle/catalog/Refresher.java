package dev.trickle.catalog;

import dev.trickle.protocol.InitiatedBy;
import dev.trickle.protocol.StreamTableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs refreshes through {@code pgtrickle._refresh}, the same code path a SQL user gets with
 * {@code pgtrickle.refresh_stream_table}: each refresh is one transaction, fenced by the stream
 * table's advisory lock.
 */
public final class Refresher {
  /** What {@code pgtrickle._refresh} returns for a scheduled refresh that found nothing to do. */
  private static final long NOT_RECORDED = 0;

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
   * its lock, records no history when nothing changed (unless it follows failures), and
   * records a failure (consecutive error count, history row) when it fails.
   */
  public RefreshOutcome refreshScheduled(StreamTableId id) {
    Instant start = Instant.now();
    try {
      Long refreshId = Sql.inTransaction(connections, connection ->
          (Long) Sql.call(connection, "SELECT pgtrickle._refresh(?, 'SCHEDULER', false)", id.value()));
      if (refreshId == null) {
        return new RefreshOutcome.Skipped();
      }
      return refreshId == NOT_RECORDED ? new RefreshOutcome.Unchanged()
          : new RefreshOutcome.Completed(catalog.refreshRecord(refreshId));
    } catch (CatalogException e) {
      return failed(List.of(id), start, e);
    }
  }

  /**
   * Refreshes stream tables together, in the given (dependency) order, in one REPEATABLE READ
   * transaction: every member reads the same snapshot of the tables they share, and either all
   * commit or none. Skipped when another session holds any member's lock.
   *
   * @return the history row of the last member that wrote one, or unchanged when none did
   */
  public RefreshOutcome refreshGroup(List<StreamTableId> members) {
    Instant start = Instant.now();
    try {
      List<Long> refreshIds = Sql.inTransaction(connections, Connection.TRANSACTION_REPEATABLE_READ, connection -> {
        List<Long> ids = new ArrayList<>();
        for (StreamTableId member : members) {
          Long refreshId = (Long) Sql.call(connection, "SELECT pgtrickle._refresh(?, 'SCHEDULER', false)", member.value());
          if (refreshId == null) {
            connection.rollback();
            return null;
          }
          ids.add(refreshId);
        }
        return ids;
      });
      if (refreshIds == null) {
        return new RefreshOutcome.Skipped();
      }
      return refreshIds.stream().filter(refreshId -> refreshId != NOT_RECORDED).reduce((first, second) -> second)
          .<RefreshOutcome>map(refreshId -> new RefreshOutcome.Completed(catalog.refreshRecord(refreshId)))
          .orElseGet(RefreshOutcome.Unchanged::new);
    } catch (CatalogException e) {
      return failed(members, start, e);
    }
  }

  /**
   * Suspends a stream table after repeated failures, keeping the error for pgt_status(); does
   * nothing if it is already suspended. Tells the catalog's listeners.
   */
  public void suspend(StreamTableId id, String reason) {
    Sql.inTransaction(connections, connection -> {
      Object updated = Sql.call(connection, "UPDATE pgtrickle.pgt_stream_tables SET status = 'SUSPENDED', "
          + "last_error_message = ?, updated_at = now() WHERE pgt_id = ? AND status <> 'SUSPENDED'", reason, id.value());
      if (((Number) updated).intValue() == 1) {
        Sql.call(connection, "SELECT pgtrickle._notify('altered', ?)", id.value());
      }
      return null;
    });
  }

  private RefreshOutcome failed(List<StreamTableId> ids, Instant start, CatalogException error) {
    boolean transientError = error.isTransient();
    for (StreamTableId id : ids) {
      try {
        recordFailure(id, start, error.getMessage());
      } catch (CatalogException unrecorded) {
        transientError = transientError || unrecorded.isTransient();
      }
    }
    return new RefreshOutcome.Failed(error.getMessage(), transientError);
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
