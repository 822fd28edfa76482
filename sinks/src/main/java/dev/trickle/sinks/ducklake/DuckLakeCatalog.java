package dev.trickle.sinks.ducklake;

import dev.trickle.catalog.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A DuckLake 1.0 catalog in a PostgreSQL schema: its tables, and the snapshots Trickle adds to
 * it. Every change happens in the caller's transaction after {@link #lock}, which serializes
 * Trickle's writers of one catalog (snapshot ids are taken as the latest plus one, so a
 * concurrent writer of another kind fails on the snapshot's primary key instead).
 */
final class DuckLakeCatalog {
  static final String FORMAT_VERSION = "1.0";
  private static final int LOCK_NAMESPACE = 1414679373; // 'TRKM'

  private static final List<String> TABLES = List.of(
      "ducklake_metadata (key varchar NOT NULL, value varchar NOT NULL, scope varchar, scope_id bigint)",
      "ducklake_snapshot (snapshot_id bigint PRIMARY KEY, snapshot_time timestamptz, schema_version bigint, "
          + "next_catalog_id bigint, next_file_id bigint)",
      "ducklake_snapshot_changes (snapshot_id bigint PRIMARY KEY, changes_made varchar, author varchar, "
          + "commit_message varchar, commit_extra_info varchar)",
      "ducklake_schema (schema_id bigint PRIMARY KEY, schema_uuid uuid, begin_snapshot bigint, end_snapshot bigint, "
          + "schema_name varchar, path varchar, path_is_relative boolean)",
      "ducklake_table (table_id bigint, table_uuid uuid, begin_snapshot bigint, end_snapshot bigint, schema_id bigint, "
          + "table_name varchar, path varchar, path_is_relative boolean)",
      "ducklake_view (view_id bigint, view_uuid uuid, begin_snapshot bigint, end_snapshot bigint, schema_id bigint, "
          + "view_name varchar, dialect varchar, sql varchar, column_aliases varchar)",
      "ducklake_tag (object_id bigint, begin_snapshot bigint, end_snapshot bigint, key varchar, value varchar)",
      "ducklake_column_tag (table_id bigint, column_id bigint, begin_snapshot bigint, end_snapshot bigint, "
          + "key varchar, value varchar)",
      "ducklake_data_file (data_file_id bigint PRIMARY KEY, table_id bigint, begin_snapshot bigint, end_snapshot bigint, "
          + "file_order bigint, path varchar, path_is_relative boolean, file_format varchar, record_count bigint, "
          + "file_size_bytes bigint, footer_size bigint, row_id_start bigint, partition_id bigint, "
          + "encryption_key varchar, mapping_id bigint, partial_max bigint)",
      "ducklake_file_column_stats (data_file_id bigint, table_id bigint, column_id bigint, column_size_bytes bigint, "
          + "value_count bigint, null_count bigint, min_value varchar, max_value varchar, contains_nan boolean, "
          + "extra_stats varchar)",
      "ducklake_delete_file (delete_file_id bigint PRIMARY KEY, table_id bigint, begin_snapshot bigint, "
          + "end_snapshot bigint, data_file_id bigint, path varchar, path_is_relative boolean, format varchar, "
          + "delete_count bigint, file_size_bytes bigint, footer_size bigint, encryption_key varchar, partial_max bigint)",
      "ducklake_column (column_id bigint, begin_snapshot bigint, end_snapshot bigint, table_id bigint, "
          + "column_order bigint, column_name varchar, column_type varchar, initial_default varchar, "
          + "default_value varchar, nulls_allowed boolean, parent_column bigint, default_value_type varchar, "
          + "default_value_dialect varchar)",
      "ducklake_table_stats (table_id bigint, record_count bigint, next_row_id bigint, file_size_bytes bigint)",
      "ducklake_table_column_stats (table_id bigint, column_id bigint, contains_null boolean, contains_nan boolean, "
          + "min_value varchar, max_value varchar, extra_stats varchar)",
      "ducklake_partition_info (partition_id bigint, table_id bigint, begin_snapshot bigint, end_snapshot bigint)",
      "ducklake_partition_column (partition_id bigint, table_id bigint, partition_key_index bigint, column_id bigint, "
          + "transform varchar)",
      "ducklake_file_partition_value (data_file_id bigint, table_id bigint, partition_key_index bigint, "
          + "partition_value varchar)",
      "ducklake_files_scheduled_for_deletion (data_file_id bigint, path varchar, path_is_relative boolean, "
          + "schedule_start timestamptz)",
      "ducklake_inlined_data_tables (table_id bigint, table_name varchar, schema_version bigint)",
      "ducklake_column_mapping (mapping_id bigint, table_id bigint, type varchar)",
      "ducklake_name_mapping (mapping_id bigint, column_id bigint, source_name varchar, target_field_id bigint, "
          + "parent_column bigint, is_partition boolean)",
      "ducklake_schema_versions (begin_snapshot bigint, schema_version bigint, table_id bigint)",
      "ducklake_macro (schema_id bigint, macro_id bigint, macro_name varchar, begin_snapshot bigint, end_snapshot bigint)",
      "ducklake_macro_impl (macro_id bigint, impl_id bigint, dialect varchar, sql varchar, type varchar)",
      "ducklake_macro_parameters (macro_id bigint, impl_id bigint, column_id bigint, parameter_name varchar, "
          + "parameter_type varchar, default_value varchar, default_value_type varchar)");

  /** The latest snapshot's counters, from which the next snapshot takes its ids. */
  record Snapshot(long id, long schemaVersion, long nextCatalogId, long nextFileId) {}

  /** A column of a DuckLake table: its id (the Parquet field id), name and DuckLake type. */
  record LakeColumn(int id, String name, String type, boolean nullsAllowed) {}

  private final String schema;

  DuckLakeCatalog(String schema) {
    this.schema = schema;
  }

  /** The catalog table {@code name}, qualified and quoted. */
  String table(String name) {
    return LakeNames.quoted(schema) + "." + name;
  }

  /** Serializes Trickle's writers of this catalog until the transaction ends. */
  void lock(Connection connection) throws SQLException {
    Sql.call(connection, "SELECT pg_advisory_xact_lock(?, hashtext(?))", LOCK_NAMESPACE, schema);
  }

  /**
   * Creates the catalog's schema and tables where missing, and a new catalog's first snapshot:
   * the {@code main} schema, and metadata naming {@code dataPath} as the data path.
   */
  void install(Connection connection, String dataPath) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + LakeNames.quoted(schema));
      for (String definition : TABLES) {
        statement.execute("CREATE TABLE IF NOT EXISTS " + LakeNames.quoted(schema) + "." + definition);
      }
      try (ResultSet any = statement.executeQuery("SELECT 1 FROM " + table("ducklake_snapshot") + " LIMIT 1")) {
        if (any.next()) {
          return;
        }
      }
    }
    Sql.call(connection, "INSERT INTO " + table("ducklake_metadata") + " (key, value) VALUES "
        + "('version', ?), ('created_by', 'Trickle'), ('data_path', ?), ('encrypted', 'false')", FORMAT_VERSION, dataPath);
    Sql.call(connection, "INSERT INTO " + table("ducklake_snapshot") + " VALUES (0, now(), 0, 1, 0)");
    Sql.call(connection, "INSERT INTO " + table("ducklake_snapshot_changes")
        + " VALUES (0, ?, 'Trickle', 'DuckLake catalog created', NULL)", "created_schema:" + LakeNames.quoted("main"));
    Sql.call(connection, "INSERT INTO " + table("ducklake_schema") + " VALUES (0, ?, 0, NULL, 'main', 'main/', true)",
        UUID.randomUUID());
    Sql.call(connection, "INSERT INTO " + table("ducklake_schema_versions") + " VALUES (0, 0, NULL)");
  }

  /** The latest snapshot. */
  Snapshot latest(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet row = statement.executeQuery("SELECT snapshot_id, schema_version, next_catalog_id, next_file_id FROM "
             + table("ducklake_snapshot") + " ORDER BY snapshot_id DESC LIMIT 1")) {
      if (!row.next()) {
        throw new IllegalStateException("DuckLake catalog " + schema + " has no snapshot");
      }
      return new Snapshot(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
    }
  }

  /**
   * Adds a snapshot with its summary of changes. Its time is the clock's, read under the catalog
   * lock, so snapshot times follow snapshot ids even when deliveries began in another order.
   */
  void addSnapshot(Connection connection, Snapshot snapshot, List<String> changes, String message) throws SQLException {
    Sql.call(connection, "INSERT INTO " + table("ducklake_snapshot") + " VALUES (?, clock_timestamp(), ?, ?, ?)", snapshot.id(),
        snapshot.schemaVersion(), snapshot.nextCatalogId(), snapshot.nextFileId());
    Sql.call(connection, "INSERT INTO " + table("ducklake_snapshot_changes") + " VALUES (?, ?, 'Trickle', ?, NULL)",
        snapshot.id(), String.join(",", changes), message);
  }

  /**
   * Registers a table (ending a live table or view of the same name in the same schema, which
   * a dropped and re-created stream table leaves behind) and, when {@code viewSql} is given, a
   * view over it; returns the new table's id. Creates the DuckLake schema when missing.
   */
  long registerTable(Connection connection, String lakeSchema, String tableName, String path,
      List<LakeColumn> columns, String viewName, String viewSql) throws SQLException {
    Snapshot latest = latest(connection);
    long snapshot = latest.id() + 1;
    long nextCatalogId = latest.nextCatalogId();
    List<String> changes = new ArrayList<>();
    Long schemaId = (Long) Sql.call(connection, "SELECT schema_id FROM " + table("ducklake_schema")
        + " WHERE schema_name = ? AND end_snapshot IS NULL", lakeSchema);
    if (schemaId == null) {
      schemaId = nextCatalogId++;
      Sql.call(connection, "INSERT INTO " + table("ducklake_schema") + " VALUES (?, ?, ?, NULL, ?, ?, true)", schemaId,
          UUID.randomUUID(), snapshot, lakeSchema, lakeSchema + "/");
      changes.add("created_schema:" + LakeNames.quoted(lakeSchema));
    }
    for (String name : viewName == null ? List.of(tableName) : List.of(tableName, viewName)) {
      Long oldTable = (Long) Sql.call(connection, "SELECT table_id FROM " + table("ducklake_table")
          + " WHERE schema_id = ? AND table_name = ? AND end_snapshot IS NULL", schemaId, name);
      if (oldTable != null) {
        Sql.call(connection, "UPDATE " + table("ducklake_table") + " SET end_snapshot = ? WHERE table_id = ? "
            + "AND end_snapshot IS NULL", snapshot, oldTable);
        Sql.call(connection, "UPDATE " + table("ducklake_column") + " SET end_snapshot = ? WHERE table_id = ? "
            + "AND end_snapshot IS NULL", snapshot, oldTable);
        changes.add("dropped_table:" + oldTable);
      }
      Long oldView = (Long) Sql.call(connection, "SELECT view_id FROM " + table("ducklake_view")
          + " WHERE schema_id = ? AND view_name = ? AND end_snapshot IS NULL", schemaId, name);
      if (oldView != null) {
        Sql.call(connection, "UPDATE " + table("ducklake_view") + " SET end_snapshot = ? WHERE view_id = ? "
            + "AND end_snapshot IS NULL", snapshot, oldView);
        changes.add("dropped_view:" + oldView);
      }
    }
    long tableId = nextCatalogId++;
    Sql.call(connection, "INSERT INTO " + table("ducklake_table") + " VALUES (?, ?, ?, NULL, ?, ?, ?, false)", tableId,
        UUID.randomUUID(), snapshot, schemaId, tableName, path);
    for (LakeColumn column : columns) {
      Sql.call(connection, "INSERT INTO " + table("ducklake_column") + " (column_id, begin_snapshot, table_id, "
          + "column_order, column_name, column_type, nulls_allowed) VALUES (?, ?, ?, ?, ?, ?, ?)", column.id(),
          snapshot, tableId, column.id(), column.name(), column.type(), column.nullsAllowed());
    }
    Sql.call(connection, "INSERT INTO " + table("ducklake_table_stats") + " VALUES (?, 0, 0, 0)", tableId);
    changes.add("created_table:" + LakeNames.quoted(lakeSchema) + "." + LakeNames.quoted(tableName));
    if (viewName != null) {
      Sql.call(connection, "INSERT INTO " + table("ducklake_view") + " VALUES (?, ?, ?, NULL, ?, ?, 'duckdb', ?, NULL)",
          nextCatalogId++, UUID.randomUUID(), snapshot, schemaId, viewName, viewSql);
      changes.add("created_view:" + LakeNames.quoted(lakeSchema) + "." + LakeNames.quoted(viewName));
    }
    long schemaVersion = latest.schemaVersion() + 1;
    Sql.call(connection, "INSERT INTO " + table("ducklake_schema_versions") + " VALUES (?, ?, ?)", snapshot,
        schemaVersion, tableId);
    addSnapshot(connection, new Snapshot(snapshot, schemaVersion, nextCatalogId, latest.nextFileId()), changes,
        "Trickle sink registered " + lakeSchema + "." + tableName);
    return tableId;
  }
}
