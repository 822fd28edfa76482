package dev.trickle.catalog;

import dev.trickle.protocol.InitiatedBy;
import dev.trickle.protocol.StreamTableId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs refreshes through {@code pgtrickle._refresh}, the same code path a SQL user gets with
 * {@code pgtrickle.refresh_stream_table}: each refresh is one transaction, fenced by the stream
 * table's advisory lock.
 */
public final class Refresher {
  private static final Logger log = LoggerFactory.getLogger(Refresher.class);
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
      return Sql.onConnection(connections, connection -> {
        analyzeBuffers(connection, "{" + id.value() + "}");
        return Sql.inTransaction(connection, Connection.TRANSACTION_READ_COMMITTED, locked -> {
          Long refreshId = (Long) Sql.call(locked, "SELECT pgtrickle._refresh(?, 'SCHEDULER', false)", id.value());
          if (refreshId == null) {
            return new RefreshOutcome.Skipped();
          }
          return refreshId == NOT_RECORDED ? new RefreshOutcome.Unchanged() : completed(locked, refreshId, List.of(id));
        });
      });
    } catch (CatalogException e) {
      return failed(List.of(id), start, e);
    }
  }

  /**
   * Refreshes stream tables together, in the given (dependency) order, in one REPEATABLE READ
   * transaction: every member reads the same snapshot of the tables they share, and either all
   * commit or none. The members' locks are taken before the transaction starts, so its snapshot
   * includes every refresh of a member that finished before; skipped when another session
   * holds any of them.
   *
   * @return the history row of the last member that wrote one, or unchanged when none did
   */
  public RefreshOutcome refreshGroup(List<StreamTableId> members) {
    Instant start = Instant.now();
    String ids = members.stream().map(id -> Long.toString(id.value())).collect(Collectors.joining(",", "{", "}"));
    RefreshOutcome outcome;
    try {
      outcome = Sql.onConnection(connections, connection -> {
        if (!(Boolean) Sql.call(connection, "SELECT pgtrickle._try_lock_group(?::bigint[])", ids)) {
          return new RefreshOutcome.Skipped();
        }
        try {
          analyzeBuffers(connection, ids);
          return Sql.inTransaction(connection, Connection.TRANSACTION_REPEATABLE_READ, locked -> refreshMembers(locked, members));
        } finally {
          Sql.call(connection, "SELECT pgtrickle._unlock_group(?::bigint[])", ids);
        }
      });
    } catch (CatalogException e) {
      return failed(members, start, e);
    }
    if (outcome instanceof RefreshOutcome.Completed) {
      trimSources(ids);
    }
    return outcome;
  }

  /**
   * Brings the statistics of the change buffers the refresh will read up to date, in a
   * statement of its own (see {@code pgtrickle._analyze_buffers}). A failure here only costs the
   * refresh a worse plan, so it is logged, not thrown.
   */
  private static void analyzeBuffers(Connection connection, String ids) {
    try {
      Sql.call(connection, "SELECT pgtrickle._analyze_buffers(?::bigint[])", ids);
    } catch (SQLException e) {
      log.debug("analyzing the change buffers of {} failed: {}", ids, e.getMessage());
    }
  }

  private RefreshOutcome refreshMembers(Connection connection, List<StreamTableId> members) throws SQLException {
    long lastRecorded = NOT_RECORDED;
    List<StreamTableId> changed = new ArrayList<>();
    for (StreamTableId member : members) {
      Long refreshId = (Long) Sql.call(connection, "SELECT pgtrickle._refresh(?, 'SCHEDULER', false)", member.value());
      if (refreshId != NOT_RECORDED) {
        lastRecorded = refreshId;
        changed.add(member);
      }
    }
    return lastRecorded == NOT_RECORDED ? new RefreshOutcome.Unchanged() : completed(connection, lastRecorded, changed);
  }

  /**
   * Trims the change buffers the group consumed, in a READ COMMITTED transaction of its own (a
   * REPEATABLE READ refresh leaves them alone). The refresh has committed whatever happens here:
   * a trim that fails is caught up by the next one, so its error is not the refresh's.
   *
   * @param ids the members' ids as an SQL array literal
   */
  private void trimSources(String ids) {
    try {
      Sql.inTransaction(connections, Connection.TRANSACTION_READ_COMMITTED,
          connection -> Sql.call(connection, "SELECT pgtrickle._trim_sources(?::bigint[])", ids));
    } catch (CatalogException e) {
      log.debug("trimming the change buffers of {} failed; the next refresh trims them: {}", ids, e.getMessage());
    }
  }

  /**
   * A committed refresh's outcome: the history row of {@code refreshId} and which of the
   * {@code refreshed} stream tables have a sink waiting for the new delta.
   */
  private RefreshOutcome completed(Connection connection, long refreshId, List<StreamTableId> refreshed)
      throws SQLException {
    String ids = refreshed.stream().map(id -> Long.toString(id.value())).collect(Collectors.joining(",", "{", "}"));
    Array withSinks = (Array) Sql.call(connection,
        "SELECT array_agg(pgt_id ORDER BY pgt_id) FROM pgtrickle.pgt_sinks WHERE pgt_id = ANY(?::bigint[])", ids);
    List<StreamTableId> sinks = withSinks == null ? List.of()
        : Arrays.stream((Long[]) withSinks.getArray()).map(StreamTableId::new).toList();
    return new RefreshOutcome.Completed(catalog.refreshRecord(connection, refreshId), sinks);
  }

  /**
   * Suspends a stream table after repeated failures, keeping the error for pgt_status(); does
   * nothing if it is already suspended. Tells the catalog's listeners.
   */
  public void suspend(StreamTableId id, String reason) {
    Sql.inTransaction(connections, connection -> Sql.call(connection, "SELECT pgtrickle._auto_suspend(?, ?)", id.value(), reason));
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
