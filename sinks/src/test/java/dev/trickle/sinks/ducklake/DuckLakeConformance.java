package dev.trickle.sinks.ducklake;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a DuckLake catalog against the rules of the DuckLake 1.0 specification, written from
 * the specification's table descriptions rather than from Trickle's writer: each rule is a query
 * returning the rows that break it.
 */
public final class DuckLakeConformance {
  private DuckLakeConformance() {}

  /** The broken rules, each with up to three offending rows; empty when the catalog conforms. */
  public static List<String> violations(Connection connection, String schema) throws SQLException {
    String s = '"' + schema + "\".";
    List<String[]> rules = List.of(
        rule("the metadata has a version, and a data_path ending in '/'",
            "SELECT 'missing' FROM (SELECT count(*) FILTER (WHERE key = 'version' AND scope IS NULL) AS v, "
                + "count(*) FILTER (WHERE key = 'data_path' AND value LIKE '%/') AS p FROM " + s + "ducklake_metadata) m "
                + "WHERE v <> 1 OR p <> 1"),
        rule("snapshot ids are unique and begin at 0, and every snapshot has its changes",
            "SELECT snapshot_id FROM " + s + "ducklake_snapshot x WHERE NOT EXISTS (SELECT 1 FROM " + s
                + "ducklake_snapshot_changes c WHERE c.snapshot_id = x.snapshot_id) UNION ALL "
                + "SELECT min(snapshot_id) FROM " + s + "ducklake_snapshot HAVING min(snapshot_id) <> 0"),
        rule("snapshot counters never go back (schema_version, next_catalog_id, next_file_id)",
            "SELECT snapshot_id FROM (SELECT snapshot_id, schema_version - lag(schema_version) OVER w AS dv, "
                + "next_catalog_id - lag(next_catalog_id) OVER w AS dc, next_file_id - lag(next_file_id) OVER w AS df "
                + "FROM " + s + "ducklake_snapshot WINDOW w AS (ORDER BY snapshot_id)) d WHERE dv < 0 OR dc < 0 OR df < 0"),
        rule("snapshots are taken in time order",
            "SELECT snapshot_id FROM (SELECT snapshot_id, snapshot_time < lag(snapshot_time) OVER (ORDER BY snapshot_id) AS back "
                + "FROM " + s + "ducklake_snapshot) d WHERE back"),
        rule("file ids come from next_file_id of the snapshot before the one adding them",
            "SELECT f.id FROM (SELECT data_file_id AS id, begin_snapshot FROM " + s + "ducklake_data_file UNION ALL "
                + "SELECT delete_file_id, begin_snapshot FROM " + s + "ducklake_delete_file) f "
                + "JOIN " + s + "ducklake_snapshot b ON b.snapshot_id = f.begin_snapshot "
                + "JOIN LATERAL (SELECT next_file_id FROM " + s + "ducklake_snapshot p WHERE p.snapshot_id < b.snapshot_id "
                + "ORDER BY p.snapshot_id DESC LIMIT 1) p ON true WHERE f.id < p.next_file_id OR f.id >= b.next_file_id"),
        rule("file ids are unique across data and delete files",
            "SELECT id FROM (SELECT data_file_id AS id FROM " + s + "ducklake_data_file UNION ALL SELECT delete_file_id FROM "
                + s + "ducklake_delete_file) f GROUP BY id HAVING count(*) > 1"),
        rule("catalog ids (schemas, tables, views) come from next_catalog_id and are unique",
            "SELECT id FROM (SELECT schema_id AS id, begin_snapshot FROM " + s + "ducklake_schema UNION ALL "
                + "SELECT DISTINCT table_id, min(begin_snapshot) OVER (PARTITION BY table_id) FROM " + s + "ducklake_table UNION ALL "
                + "SELECT DISTINCT view_id, min(begin_snapshot) OVER (PARTITION BY view_id) FROM " + s + "ducklake_view) o "
                + "JOIN " + s + "ducklake_snapshot b ON b.snapshot_id = o.begin_snapshot "
                + "WHERE o.id >= b.next_catalog_id OR o.id IN (SELECT id FROM (SELECT schema_id AS id FROM " + s
                + "ducklake_schema UNION ALL SELECT DISTINCT table_id FROM " + s + "ducklake_table UNION ALL SELECT DISTINCT "
                + "view_id FROM " + s + "ducklake_view) a GROUP BY id HAVING count(*) > 1)"),
        rule("objects end after they begin, in snapshots that exist",
            "SELECT 'table ' || table_id FROM " + s + "ducklake_table WHERE end_snapshot <= begin_snapshot UNION ALL "
                + "SELECT 'data file ' || data_file_id FROM " + s + "ducklake_data_file WHERE end_snapshot <= begin_snapshot "
                + "OR begin_snapshot NOT IN (SELECT snapshot_id FROM " + s + "ducklake_snapshot) UNION ALL "
                + "SELECT 'delete file ' || delete_file_id FROM " + s + "ducklake_delete_file WHERE end_snapshot <= begin_snapshot "
                + "OR begin_snapshot NOT IN (SELECT snapshot_id FROM " + s + "ducklake_snapshot)"),
        rule("a data file belongs to a table that exists when the file is added",
            "SELECT data_file_id FROM " + s + "ducklake_data_file f WHERE NOT EXISTS (SELECT 1 FROM " + s + "ducklake_table t "
                + "WHERE t.table_id = f.table_id AND t.begin_snapshot <= f.begin_snapshot "
                + "AND (t.end_snapshot IS NULL OR t.end_snapshot > f.begin_snapshot))"),
        rule("data files are parquet with positive record counts and sizes, the footer inside the file",
            "SELECT data_file_id FROM " + s + "ducklake_data_file WHERE file_format <> 'parquet' OR record_count <= 0 "
                + "OR file_size_bytes <= 0 OR footer_size <= 0 OR footer_size >= file_size_bytes OR path IS NULL "
                + "OR path_is_relative IS NULL"),
        rule("the row-id ranges of a table's data files do not overlap and lie below next_row_id",
            "SELECT a.data_file_id FROM " + s + "ducklake_data_file a JOIN " + s + "ducklake_data_file b "
                + "ON a.table_id = b.table_id AND a.data_file_id < b.data_file_id "
                + "AND a.row_id_start < b.row_id_start + b.record_count AND b.row_id_start < a.row_id_start + a.record_count "
                + "UNION ALL SELECT f.data_file_id FROM " + s + "ducklake_data_file f JOIN " + s + "ducklake_table_stats t "
                + "USING (table_id) WHERE f.row_id_start < 0 OR f.row_id_start + f.record_count > t.next_row_id"),
        rule("a delete file deletes from a live data file of its table, at most all its rows",
            "SELECT d.delete_file_id FROM " + s + "ducklake_delete_file d LEFT JOIN " + s + "ducklake_data_file f "
                + "ON f.data_file_id = d.data_file_id AND f.table_id = d.table_id AND f.begin_snapshot <= d.begin_snapshot "
                + "AND (f.end_snapshot IS NULL OR f.end_snapshot > d.begin_snapshot) "
                + "WHERE f.data_file_id IS NULL OR d.format <> 'parquet' OR d.delete_count <= 0 "
                + "OR d.delete_count > f.record_count OR (d.end_snapshot IS NULL AND f.end_snapshot IS NOT NULL) "
                + "OR d.end_snapshot > f.end_snapshot"),
        rule("a data file has at most one live delete file at any snapshot",
            "SELECT a.delete_file_id FROM " + s + "ducklake_delete_file a JOIN " + s + "ducklake_delete_file b "
                + "ON a.data_file_id = b.data_file_id AND a.delete_file_id < b.delete_file_id "
                + "AND a.begin_snapshot < coalesce(b.end_snapshot, 9223372036854775807) "
                + "AND b.begin_snapshot < coalesce(a.end_snapshot, 9223372036854775807)"),
        rule("a table's live columns have distinct ids and orders, and every data file has statistics for each",
            "SELECT table_id || '/' || column_id FROM " + s + "ducklake_column WHERE end_snapshot IS NULL "
                + "GROUP BY table_id, column_id HAVING count(*) > 1 UNION ALL SELECT table_id || '/' || column_order FROM " + s
                + "ducklake_column WHERE end_snapshot IS NULL GROUP BY table_id, column_order HAVING count(*) > 1 UNION ALL "
                + "SELECT f.data_file_id || '/' || c.column_id FROM " + s + "ducklake_data_file f JOIN " + s
                + "ducklake_column c ON c.table_id = f.table_id AND c.begin_snapshot <= f.begin_snapshot "
                + "AND (c.end_snapshot IS NULL OR c.end_snapshot > f.begin_snapshot) WHERE NOT EXISTS (SELECT 1 FROM " + s
                + "ducklake_file_column_stats x WHERE x.data_file_id = f.data_file_id AND x.column_id = c.column_id "
                + "AND x.table_id = f.table_id AND x.value_count = f.record_count AND x.null_count <= x.value_count "
                + "AND (x.min_value IS NULL) = (x.max_value IS NULL))"),
        rule("table statistics count the live rows: data file records minus live deletes",
            "SELECT t.table_id FROM " + s + "ducklake_table_stats t WHERE t.record_count <> "
                + "coalesce((SELECT sum(record_count) FROM " + s + "ducklake_data_file f WHERE f.table_id = t.table_id "
                + "AND f.end_snapshot IS NULL), 0) - coalesce((SELECT sum(delete_count) FROM " + s + "ducklake_delete_file d "
                + "WHERE d.table_id = t.table_id AND d.end_snapshot IS NULL), 0) "
                + "OR t.file_size_bytes < coalesce((SELECT sum(file_size_bytes) FROM " + s + "ducklake_data_file f "
                + "WHERE f.table_id = t.table_id AND f.end_snapshot IS NULL), 0)"),
        rule("snapshot changes name what the snapshot changed",
            "SELECT f.begin_snapshot FROM " + s + "ducklake_data_file f JOIN " + s + "ducklake_snapshot_changes c "
                + "ON c.snapshot_id = f.begin_snapshot WHERE c.changes_made NOT LIKE '%inserted_into_table:' || f.table_id || '%' "
                + "UNION ALL SELECT d.begin_snapshot FROM " + s + "ducklake_delete_file d JOIN " + s
                + "ducklake_snapshot_changes c ON c.snapshot_id = d.begin_snapshot "
                + "WHERE c.changes_made NOT LIKE '%deleted_from_table:' || d.table_id || '%'"));
    List<String> violations = new ArrayList<>();
    try (Statement statement = connection.createStatement()) {
      for (String[] rule : rules) {
        List<String> rows = new ArrayList<>();
        try (ResultSet row = statement.executeQuery(rule[1])) {
          while (row.next() && rows.size() < 3) {
            rows.add(row.getString(1));
          }
        }
        if (!rows.isEmpty()) {
          violations.add(rule[0] + ": " + rows);
        }
      }
    }
    return violations;
  }

  private static String[] rule(String description, String violatingRows) {
    return new String[] {description, violatingRows};
  }
}
