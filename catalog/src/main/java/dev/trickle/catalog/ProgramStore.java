package dev.trickle.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trickle.engine.AuxColumn;
import dev.trickle.engine.Compilation;
import dev.trickle.engine.OutputColumnInfo;
import dev.trickle.engine.RefreshProgram;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores a compiled program: makes the storage table's hidden {@code __pgt_*} columns exactly
 * the program's (adding, retyping, dropping), indexes those refreshes look rows up by, and writes the
 * program into the catalog. When the program's way of identifying rows changed, the next
 * refresh rebuilds the table.
 */
final class ProgramStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProgramStore() {}

  /** The stream table's query columns (name and type), in storage order. */
  static List<OutputColumnInfo> outputs(Connection connection, StreamTableInfo table) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
            + "(SELECT pgt_relid FROM pgtrickle.pgt_stream_tables WHERE pgt_id = ?) AND attnum > 0 AND NOT attisdropped "
            + "AND attname NOT LIKE '\\_\\_pgt\\_%' ORDER BY attnum")) {
      statement.setLong(1, table.id().value());
      List<OutputColumnInfo> outputs = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          outputs.add(new OutputColumnInfo(rows.getString(1), rows.getString(2)));
        }
      }
      return outputs;
    }
  }

  /**
   * Stores the program if the definition is still the one compiled (returns whether it was);
   * a populated table is rebuilt by its next refresh, under the program's row identities.
   */
  static boolean store(Connection connection, StreamTableInfo table, Compilation compilation) throws SQLException {
    RefreshProgram program = compilation.program();
    reconcileAux(connection, table, program.aux());
    Object updated = Sql.call(connection,
        "UPDATE pgtrickle.pgt_stream_tables SET effective_refresh_mode = ?, refresh_mode_reason = ?, "
            + "refresh_program = ?::jsonb, program_version = program_version + 1, "
            + "needs_reinit = needs_reinit OR is_populated, "
            + "status = CASE WHEN status = 'SUSPENDED' THEN status ELSE 'ACTIVE' END, "
            + "last_error_message = NULL, updated_at = now() "
            + "WHERE pgt_id = ? AND defining_query = ? AND refresh_mode = ? AND refresh_program IS NULL",
        compilation.effectiveMode().name(), compilation.reason(), json(program), table.id().value(),
        table.definingQuery(), table.refreshMode().name());
    Sql.call(connection, "SELECT pgtrickle._notify('compiled', ?)", table.id().value());
    return ((Number) updated).intValue() == 1;
  }

  private static void reconcileAux(Connection connection, StreamTableInfo table, List<AuxColumn> wanted)
      throws SQLException {
    Map<String, String> existing = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) "
            + "FROM pgtrickle.pgt_stream_tables st JOIN pg_attribute a ON a.attrelid = st.pgt_relid "
            + "WHERE st.pgt_id = ? AND a.attnum > 0 AND NOT a.attisdropped AND a.attname LIKE '\\_\\_pgt\\_%' "
            + "AND a.attname <> '__pgt_row_id'")) {
      statement.setLong(1, table.id().value());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          existing.put(rows.getString(1), rows.getString(2));
        }
      }
    }
    String storage = (String) Sql.call(connection, "SELECT pgt_relid::regclass::text FROM pgtrickle.pgt_stream_tables WHERE pgt_id = ?",
        table.id().value());
    Map<String, String> target = new LinkedHashMap<>();
    wanted.forEach(column -> target.put(column.name(), column.type()));
    for (Map.Entry<String, String> column : existing.entrySet()) {
      if (!column.getValue().equals(target.get(column.getKey()))) {
        Sql.call(connection, "ALTER TABLE " + storage + " DROP COLUMN " + column.getKey());
      }
    }
    for (AuxColumn column : wanted) {
      if (!column.type().equals(existing.get(column.name()))) {
        Sql.call(connection, "ALTER TABLE " + storage + " ADD COLUMN " + column.name() + " " + column.type());
      }
      String index = (String) Sql.call(connection, "SELECT i.indexrelid::regclass::text FROM pg_index i "
          + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
          + "WHERE i.indrelid = ?::regclass AND i.indnatts = 1 AND a.attname = ?", storage, column.name());
      if (column.indexed() && index == null) {
        Sql.call(connection, "CREATE INDEX ON " + storage + " (" + column.name() + ")");
      } else if (!column.indexed() && index != null) {
        Sql.call(connection, "DROP INDEX " + index);
      }
    }
  }

  private static String json(RefreshProgram program) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", program.format());
    json.put("mode", program.mode().name());
    if (program.fullSql() != null) {
      json.put("full_sql", program.fullSql());
      json.put("delta_sql", program.deltaSql());
    }
    json.put("sources", program.sources());
    json.put("aux", program.aux().stream()
        .map(a -> Map.of("name", a.name(), "type", a.type(), "indexed", a.indexed())).toList());
    json.put("strategy", program.strategy());
    json.put("plan", program.plan());
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize refresh program", e);
    }
  }
}
