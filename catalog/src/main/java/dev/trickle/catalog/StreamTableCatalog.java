package dev.trickle.catalog;

import dev.trickle.protocol.InitiatedBy;
import dev.trickle.protocol.RefreshAction;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.protocol.StreamTableId;
import dev.trickle.protocol.StreamTableStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads stream tables, their dependencies and their refresh history from the catalog. */
public final class StreamTableCatalog {
  private static final String COLUMNS =
      "st.pgt_id, st.pgt_schema, st.pgt_name, pgtrickle._display_name(st) AS display_name, st.defining_query, "
          + "st.schedule, st.refresh_mode, st.effective_refresh_mode, st.refresh_mode_reason, st.status, "
          + "st.is_populated, st.consecutive_errors, st.last_error_message, st.data_timestamp, "
          + "st.last_refresh_at, st.refresh_program IS NOT NULL AS compiled, st.program_version, "
          + "st.diamond_consistency = 'atomic' AS atomic_diamond";
  private static final String HISTORY_COLUMNS =
      "h.refresh_id, pgtrickle._display_name(st) AS stream_table, h.start_time, h.end_time, h.action, h.status, "
          + "h.rows_inserted, h.rows_updated, h.rows_deleted, h.delta_row_count, h.initiated_by, h.reason, h.error_message";

  private final ConnectionSource connections;

  public StreamTableCatalog(ConnectionSource connections) {
    this.connections = connections;
  }

  /** Every stream table, by schema and name. */
  public List<StreamTableInfo> list() {
    return query("SELECT " + COLUMNS + " FROM pgtrickle.pgt_stream_tables st ORDER BY st.pgt_schema, st.pgt_name",
        StreamTableCatalog::streamTable);
  }

  /**
   * The stream table a user-supplied name denotes (unqualified names follow search_path).
   *
   * @throws CatalogException when there is none
   */
  public StreamTableInfo find(String name) {
    return query("SELECT " + COLUMNS + " FROM pgtrickle._find(?) st", StreamTableCatalog::streamTable, name).get(0);
  }

  /** The stream table a name denotes, read on the caller's connection (inside its transaction). */
  static StreamTableInfo find(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM pgtrickle._find(?) st")) {
      statement.setString(1, name);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return streamTable(row);
      }
    }
  }

  /** The stream table with this id, if it still exists. */
  public Optional<StreamTableInfo> get(StreamTableId id) {
    return query("SELECT " + COLUMNS + " FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_id = ?",
        StreamTableCatalog::streamTable, id.value()).stream().findFirst();
  }

  /** Which stream tables read which other stream tables. */
  public List<StreamTableEdge> edges() {
    return query(
        "SELECT d.pgt_id, up.pgt_id FROM pgtrickle.pgt_dependencies d "
            + "JOIN pgtrickle.pgt_stream_tables up ON up.pgt_relid = d.source_relid ORDER BY 1, 2",
        row -> new StreamTableEdge(new StreamTableId(row.getLong(1)), new StreamTableId(row.getLong(2))));
  }

  /** Every sink: where it delivers, its frontier, its lag and its last error. */
  public List<SinkStatus> sinks() {
    return query("SELECT * FROM pgtrickle.sink_status()", row -> {
      long tableId = row.getLong("ducklake_table_id");
      Long registered = row.wasNull() ? null : tableId;
      return new SinkStatus(row.getString("name"), row.getString("sink"), row.getString("sink_mode"),
          row.getString("sink_path"), row.getString("catalog_schema"), registered, row.getLong("delivered_refresh_id"),
          Rows.instant(row, "delivered_at"), row.getLong("pending_refreshes"), row.getLong("pending_rows"),
          row.getInt("consecutive_errors"), row.getString("last_error"), Rows.instant(row, "last_error_at"));
    });
  }

  /** The most recent refreshes of one stream table, newest first. */
  public List<RefreshRecord> history(String name, int limit) {
    return query("SELECT " + HISTORY_COLUMNS + " FROM pgtrickle.pgt_refresh_history h "
            + "JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = h.pgt_id "
            + "WHERE h.pgt_id = (pgtrickle._find(?)).pgt_id ORDER BY h.refresh_id DESC LIMIT ?",
        StreamTableCatalog::refreshRecord, name, limit);
  }

  /** {@code pgtrickle.refresh_efficiency()}: what each stream table's refreshes cost, by action. */
  public List<RefreshEfficiency> efficiency() {
    return query("SELECT format('%I.%I', pgt_schema, pgt_name), refresh_mode, total_refreshes, diff_count, full_count, "
        + "no_data_count, avg_diff_ms, avg_full_ms, avg_change_ratio, diff_speedup FROM pgtrickle.refresh_efficiency()",
        row -> new RefreshEfficiency(row.getString(1), row.getString(2), row.getLong(3), row.getLong(4), row.getLong(5),
            row.getLong(6), row.getBigDecimal(7), row.getBigDecimal(8), row.getBigDecimal(9), row.getBigDecimal(10)));
  }

  /** {@code pgtrickle.recommend_refresh_mode(name)}: the advised refresh mode of one stream table. */
  public ModeRecommendation recommendation(String name) {
    return query("SELECT format('%I.%I', pgt_schema, pgt_name), current_mode, recommended_mode, confidence, reason, "
        + "signals::text FROM pgtrickle.recommend_refresh_mode(?)",
        row -> new ModeRecommendation(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
            row.getString(5), row.getString(6)), name).get(0);
  }

  /** Every relation every stream table reads directly. */
  public List<StreamTableSource> sources() {
    return query("SELECT d.pgt_id, d.source_relid, up.pgt_id FROM pgtrickle.pgt_dependencies d "
            + "LEFT JOIN pgtrickle.pgt_stream_tables up ON up.pgt_relid = d.source_relid ORDER BY d.pgt_id, d.source_relid",
        row -> {
          long upstream = row.getLong(3);
          Optional<StreamTableId> streamTable = row.wasNull() ? Optional.empty() : Optional.of(new StreamTableId(upstream));
          return new StreamTableSource(new StreamTableId(row.getLong(1)), row.getLong(2), streamTable);
        });
  }

  /** Refreshes of every stream table recorded after history row {@code afterRefreshId}, oldest first. */
  public List<RefreshRecord> refreshesAfter(long afterRefreshId, int limit) {
    return query("SELECT " + HISTORY_COLUMNS + " FROM pgtrickle.pgt_refresh_history h "
            + "JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = h.pgt_id WHERE h.refresh_id > ? "
            + "ORDER BY h.refresh_id LIMIT ?",
        StreamTableCatalog::refreshRecord, afterRefreshId, limit);
  }

  /** The id of the newest refresh recorded, or 0. */
  public long lastRefreshId() {
    return query("SELECT coalesce(max(refresh_id), 0) FROM pgtrickle.pgt_refresh_history", row -> row.getLong(1)).get(0);
  }

  /** One refresh by its id. */
  public RefreshRecord refreshRecord(long refreshId) {
    try (Connection connection = connections.open()) {
      return refreshRecord(connection, refreshId);
    } catch (SQLException e) {
      throw CatalogException.from(e);
    }
  }

  /** One refresh by its id, read on {@code connection} (in its transaction). */
  RefreshRecord refreshRecord(Connection connection, long refreshId) throws SQLException {
    return query(connection, "SELECT " + HISTORY_COLUMNS + " FROM pgtrickle.pgt_refresh_history h "
            + "JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = h.pgt_id WHERE h.refresh_id = ?",
        StreamTableCatalog::refreshRecord, refreshId).get(0);
  }

  /** The dependency tree, as {@code pgtrickle.dependency_tree()} renders it. */
  public List<TreeLine> tree() {
    return query("SELECT tree_line, node, node_type, depth, status, refresh_mode FROM pgtrickle.dependency_tree()",
        row -> new TreeLine(row.getString(1), row.getString(2), row.getString(3), row.getInt(4),
            row.getString(5), row.getString(6)));
  }

  private <T> List<T> query(String sql, RowMapper<T> mapper, Object... parameters) {
    try (Connection connection = connections.open()) {
      return query(connection, sql, mapper, parameters);
    } catch (SQLException e) {
      throw CatalogException.from(e);
    }
  }

  private static <T> List<T> query(Connection connection, String sql, RowMapper<T> mapper, Object... parameters)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      List<T> result = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          result.add(mapper.map(rows));
        }
      }
      return result;
    }
  }

  static StreamTableInfo streamTable(ResultSet row) throws SQLException {
    String effective = row.getString("effective_refresh_mode");
    return new StreamTableInfo(
        new StreamTableId(row.getLong("pgt_id")),
        row.getString("pgt_schema"),
        row.getString("pgt_name"),
        row.getString("display_name"),
        row.getString("defining_query"),
        row.getString("schedule"),
        RefreshMode.parse(row.getString("refresh_mode")),
        Optional.ofNullable(effective).map(RefreshMode::parse),
        row.getString("refresh_mode_reason"),
        StreamTableStatus.parse(row.getString("status")),
        row.getBoolean("is_populated"),
        row.getInt("consecutive_errors"),
        row.getString("last_error_message"),
        Rows.instant(row, "data_timestamp"),
        Rows.instant(row, "last_refresh_at"),
        row.getBoolean("compiled"),
        row.getLong("program_version"),
        row.getBoolean("atomic_diamond"));
  }

  private static RefreshRecord refreshRecord(ResultSet row) throws SQLException {
    String initiatedBy = row.getString("initiated_by");
    return new RefreshRecord(
        row.getLong("refresh_id"),
        row.getString("stream_table"),
        Rows.instant(row, "start_time"),
        Rows.instant(row, "end_time"),
        RefreshAction.parse(row.getString("action")),
        row.getString("status"),
        row.getLong("rows_inserted"),
        row.getLong("rows_updated"),
        row.getLong("rows_deleted"),
        row.getLong("delta_row_count"),
        initiatedBy == null ? null : InitiatedBy.parse(initiatedBy),
        row.getString("reason"),
        row.getString("error_message"));
  }

  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }
}
