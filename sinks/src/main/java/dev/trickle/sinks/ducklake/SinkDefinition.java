package dev.trickle.sinks.ducklake;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A stream table's DuckLake sink as {@code pgtrickle.pgt_sinks} records it.
 *
 * @param relid the stream table's storage table (its buffer is {@code pgtrickle_changes.changes_<relid>})
 * @param ducklakeTableId the DuckLake table receiving the deltas, once registered
 * @param deliveredRefreshId the sink frontier: every refresh up to this id is delivered
 */
public record SinkDefinition(long pgtId, String schemaName, String tableName, long relid, String sinkPath,
    SinkMode mode, String catalogSchema, OptionalLong ducklakeTableId, long deliveredRefreshId) {

  /** The sink of the stream table with id {@code pgtId}, if it has one. */
  public static Optional<SinkDefinition> load(Connection connection, long pgtId) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT st.pgt_schema, st.pgt_name, st.pgt_relid::bigint, k.sink_path, k.sink_mode, k.catalog_schema, "
            + "k.ducklake_table_id, k.delivered_refresh_id FROM pgtrickle.pgt_sinks k "
            + "JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = k.pgt_id WHERE k.pgt_id = ?")) {
      statement.setLong(1, pgtId);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        long tableId = row.getLong(7);
        OptionalLong registered = row.wasNull() ? OptionalLong.empty() : OptionalLong.of(tableId);
        return Optional.of(new SinkDefinition(pgtId, row.getString(1), row.getString(2), row.getLong(3),
            row.getString(4), SinkMode.of(row.getString(5)), row.getString(6), registered, row.getLong(8)));
      }
    }
  }

  /** The stream table's name as users write it: {@code name}, or {@code schema.name} outside public. */
  public String displayName() {
    return "public".equals(schemaName) ? tableName : schemaName + "." + tableName;
  }

  /** The stream table's change buffer, quoted. */
  String buffer() {
    return "pgtrickle_changes.changes_" + relid;
  }
}
