package dev.trickle.catalog;

import dev.trickle.engine.Compilation;
import dev.trickle.engine.InvalidQueryException;
import dev.trickle.engine.RefreshCompiler;
import dev.trickle.engine.UnsupportedRefreshModeException;
import dev.trickle.protocol.RefreshMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Creates, alters, drops and compiles stream tables through the SQL API.
 *
 * <p>{@link #create} and {@link #alter} compile synchronously inside the same transaction as the
 * change: if the definition cannot be compiled as requested, nothing is changed. Stream tables
 * defined directly in SQL wait, INITIALIZING, for {@link #compilePending()}.
 */
public final class StreamTableDefinitions {
  private final ConnectionSource connections;
  private final RefreshCompiler compiler;

  public StreamTableDefinitions(ConnectionSource connections, RefreshCompiler compiler) {
    this.connections = connections;
    this.compiler = compiler;
  }

  /** Creates, compiles and (if asked) populates a stream table, all in one transaction. */
  public StreamTableInfo create(StreamTableDefinition definition) {
    return Sql.inTransaction(connections, connection -> {
      Optional<SinkSettings> sink = definition.sink();
      Sql.call(connection,
          "SELECT pgtrickle.create_stream_table(name => ?, query => ?, schedule => ?, refresh_mode => ?, initialize => false, "
              + "sink => ?, ducklake_sink_path => ?, ducklake_sink_mode => ?, ducklake_catalog_schema => ?)",
          definition.name(), definition.query(), definition.schedule(), definition.mode().name(),
          sink.map(SinkSettings::sink).orElse(null), sink.flatMap(SinkSettings::path).orElse(null),
          sink.flatMap(SinkSettings::mode).orElse(null), sink.flatMap(SinkSettings::catalogSchema).orElse(null));
      StreamTableInfo created = find(connection, definition.name());
      ProgramStore.store(connection, created, compile(connection, created));
      if (definition.initialize()) {
        Sql.call(connection, "SELECT pgtrickle._refresh(?, 'INITIAL', true)", created.id().value());
      }
      return find(connection, definition.name());
    });
  }

  /** Applies changes and recompiles if the definition changed; all or nothing. */
  public StreamTableInfo alter(String name, StreamTableAlteration changes) {
    if (changes.isEmpty()) {
      throw new CatalogException("nothing to alter: give a new query, schedule, refresh mode, status or sink");
    }
    return Sql.inTransaction(connections, connection -> {
      Optional<SinkSettings> sink = changes.sink();
      Sql.call(connection,
          "SELECT pgtrickle.alter_stream_table(name => ?, query => ?, schedule => ?, refresh_mode => ?, status => ?, "
              + "sink => ?, ducklake_sink_path => ?, ducklake_sink_mode => ?, ducklake_catalog_schema => ?)",
          name, changes.query().orElse(null), changes.schedule().orElse(null),
          changes.mode().map(RefreshMode::name).orElse(null), changes.status().map(Enum::name).orElse(null),
          sink.map(SinkSettings::sink).orElse(null), sink.flatMap(SinkSettings::path).orElse(null),
          sink.flatMap(SinkSettings::mode).orElse(null), sink.flatMap(SinkSettings::catalogSchema).orElse(null));
      StreamTableInfo altered = find(connection, name);
      if (!altered.compiled()) {
        ProgramStore.store(connection, altered, compile(connection, altered));
      }
      return find(connection, name);
    });
  }

  /** Drops a stream table (and, with cascade, those reading it). */
  public void drop(String name, boolean cascade) {
    Sql.inTransaction(connections, connection ->
        Sql.call(connection, "SELECT pgtrickle.drop_stream_table(?, ?)", name, cascade));
  }

  /**
   * Compiles every stream table waiting for it (defined or changed through SQL). Each is
   * compiled in its own transaction; one that cannot be compiled goes to ERROR with the reason.
   */
  public List<StreamTableInfo> compilePending() {
    List<StreamTableInfo> compiled = new ArrayList<>();
    for (StreamTableInfo pending : pending()) {
      compiled.add(compile(pending));
    }
    return compiled;
  }

  /**
   * Compiles one stream table's current definition and returns it as stored afterwards. A table
   * already populated (by the SQL API's generic refresh) is rebuilt under its program's row
   * identities in the same transaction, so its next refresh can be differential.
   */
  public StreamTableInfo compile(StreamTableInfo table) {
    return Sql.inTransaction(connections, connection -> {
      try {
        ProgramStore.store(connection, table, compile(connection, table));
        Sql.call(connection, "SELECT pgtrickle._refresh(pgt_id, 'INITIAL') FROM pgtrickle.pgt_stream_tables "
            + "WHERE pgt_id = ? AND needs_reinit AND status = 'ACTIVE'", table.id().value());
      } catch (InvalidQueryException | UnsupportedRefreshModeException e) {
        storeFailure(connection, table, e.getMessage());
      }
      return find(connection, table.displayName());
    });
  }

  /**
   * Resumes a suspended stream table (its consecutive error count starts over).
   *
   * @throws CatalogException when it does not exist or is not suspended
   */
  public StreamTableInfo resume(String name) {
    return Sql.inTransaction(connections, connection -> {
      Sql.call(connection, "SELECT pgtrickle.resume_stream_table(?)", name);
      return find(connection, name);
    });
  }

  /**
   * Explains how a stream table is refreshed. A definition no node has compiled yet is compiled
   * for the explanation only: nothing is stored.
   */
  public Explanation explain(String name) {
    try (Connection connection = connections.open()) {
      connection.setAutoCommit(false);
      try {
        StreamTableInfo table = find(connection, name);
        if (!table.compiled()) {
          ProgramStore.store(connection, table, compile(connection, table));
          table = find(connection, name);
        }
        return explain(connection, table);
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw CatalogException.from(e);
    }
  }

  private static Explanation explain(Connection connection, StreamTableInfo table) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT st.refresh_program->>'strategy', st.refresh_program->>'plan', "
            + "CASE WHEN st.refresh_program->>'mode' = 'DIFFERENTIAL' AND st.is_populated "
            + "THEN pgtrickle._apply_sql(st, pgtrickle._delta_rows_sql(st, NULL, NULL), false, 0, 0) END, "
            + "pgtrickle._apply_sql(st, pgtrickle._full_rows_sql(st), true, 0, 0) "
            + "FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_id = ?")) {
      statement.setLong(1, table.id().value());
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return new Explanation(table.displayName(), table.definingQuery(), table.refreshMode(),
            table.effectiveMode().orElseThrow(), table.modeReason(), row.getString(1), row.getString(2),
            row.getString(3), row.getString(4));
      }
    }
  }

  private List<StreamTableInfo> pending() {
    try (Connection connection = connections.open();
        PreparedStatement statement = connection.prepareStatement(
            "SELECT pgtrickle._display_name(st) FROM pgtrickle.pgt_stream_tables st "
                + "WHERE st.refresh_program IS NULL AND st.status = 'INITIALIZING' ORDER BY st.pgt_id");
        ResultSet rows = statement.executeQuery()) {
      List<StreamTableInfo> result = new ArrayList<>();
      while (rows.next()) {
        result.add(find(connection, rows.getString(1)));
      }
      return result;
    } catch (SQLException e) {
      throw CatalogException.from(e);
    }
  }

  private static StreamTableInfo find(Connection connection, String name) throws SQLException {
    return StreamTableCatalog.find(connection, name);
  }

  private Compilation compile(Connection connection, StreamTableInfo table) throws SQLException {
    return compiler.compile(table.displayName(), table.definingQuery(), table.refreshMode(),
        new JdbcSchemaCatalog(connection), ProgramStore.outputs(connection, table));
  }

  private static void storeFailure(Connection connection, StreamTableInfo table, String reason) throws SQLException {
    Sql.call(connection,
        "UPDATE pgtrickle.pgt_stream_tables SET status = 'ERROR', last_error_message = ?, updated_at = now() "
            + "WHERE pgt_id = ? AND defining_query = ? AND refresh_mode = ? AND refresh_program IS NULL "
            + "AND status <> 'SUSPENDED'",
        reason, table.id().value(), table.definingQuery(), table.refreshMode().name());
  }
}
