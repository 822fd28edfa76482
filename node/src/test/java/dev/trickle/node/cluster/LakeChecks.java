package dev.trickle.node.cluster;

import static dev.trickle.node.cluster.Queries.count;
import static dev.trickle.node.cluster.Queries.rows;

import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.sinks.ducklake.DuckDbQueries;
import dev.trickle.sinks.store.ObjectStore;
import dev.trickle.sinks.store.ObjectStores;
import dev.trickle.sinks.store.S3Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a stream table's DuckLake sink must hold, checked from the catalog, the object store and
 * DuckDB reading the Parquet files: each refresh with a delta delivered once, in order; the
 * store holding exactly the files the catalog names; the files reproducing the stream table.
 *
 * @param table the stream table's name (in the public schema)
 * @param path the sink's path, {@code s3://bucket/prefix/}
 * @param columns an expression over the stream table's columns both PostgreSQL and DuckDB
 *     print alike, e.g. {@code concat_ws('|', id, n)}
 */
public record LakeChecks(DatabaseUrl url, String table, String path, String columns, S3Settings s3, Path downloads) {
  private static final Pattern INTERRUPTED_UPLOAD =
      Pattern.compile("(.+\\.parquet)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private String pgtId() {
    return "(SELECT pgt_id FROM pgtrickle.pgt_stream_tables WHERE pgt_name = '" + table + "')";
  }

  /**
   * What is wrong with the deliveries so far (empty when nothing is): a refresh with a delta up
   * to the sink's frontier not delivered, or delivered twice; snapshots out of refresh order.
   * Holds while refreshes and deliveries go on.
   */
  public List<String> deliveryViolations() {
    List<String> violations = new ArrayList<>();
    // One statement, one snapshot: deliveries committed meanwhile cannot look like strays.
    List<Object> ledger = Queries.query(url, "WITH k AS (SELECT delivered_refresh_id AS frontier FROM pgtrickle.pgt_sinks "
        + "WHERE pgt_id = " + pgtId() + "), expected AS (SELECT h.refresh_id FROM pgtrickle.pgt_refresh_history h, k "
        + "WHERE h.pgt_id = " + pgtId() + " AND h.status = 'COMPLETED' AND h.delta_row_count > 0 AND h.refresh_id <= k.frontier), "
        + "delivered AS (SELECT p.refresh_id FROM pgtrickle.pgt_ducklake_provenance p, k WHERE p.pgt_id = " + pgtId()
        + " AND p.refresh_id <= k.frontier) "
        + "SELECT (SELECT coalesce(array_agg(refresh_id ORDER BY refresh_id), '{}') FROM "
        + "(SELECT refresh_id FROM expected EXCEPT ALL SELECT refresh_id FROM delivered) m)::text, "
        + "(SELECT coalesce(array_agg(refresh_id ORDER BY refresh_id), '{}') FROM "
        + "(SELECT refresh_id FROM delivered EXCEPT ALL SELECT refresh_id FROM expected) x)::text").get(0);
    if (!ledger.get(0).equals("{}") || !ledger.get(1).equals("{}")) {
      violations.add(table + ": refreshes with a delta not delivered " + ledger.get(0) + ", delivered more than once or "
          + "without a refresh " + ledger.get(1));
    }
    long outOfOrder = count(url, "SELECT count(*) FROM (SELECT ducklake_snapshot_id, written_at, lag(ducklake_snapshot_id) "
        + "OVER w AS previous, lag(written_at) OVER w AS previous_at FROM pgtrickle.pgt_ducklake_provenance WHERE pgt_id = "
        + pgtId() + " WINDOW w AS (ORDER BY refresh_id)) p WHERE previous >= ducklake_snapshot_id OR previous_at > written_at");
    if (outOfOrder > 0) {
      violations.add(table + ": " + outOfOrder + " deliveries' snapshots or write times out of refresh order");
    }
    return violations;
  }

  /** Whether the store holds exactly the data and delete files the DuckLake catalog names for the table. */
  public List<String> storeViolations() throws IOException {
    String tableId = "(SELECT ducklake_table_id FROM pgtrickle.pgt_sinks WHERE pgt_id = " + pgtId() + ")";
    List<String> named = rows(url, "SELECT path FROM ducklake.ducklake_data_file WHERE table_id = " + tableId
        + " UNION ALL SELECT path FROM ducklake.ducklake_delete_file WHERE table_id = " + tableId);
    try (ObjectStore store = ObjectStores.open(path, s3)) {
      TreeSet<String> stored = new TreeSet<>(store.list(""));
      stored.removeIf(key -> isInterruptedUpload(key, named));
      List<String> storedList = new ArrayList<>(stored);
      return storedList.equals(named) ? List.of()
          : List.of(table + ": the store holds " + storedList + ", the catalog names " + named);
    }
  }

  /** The stream table's rows as {@link #columns}, sorted. */
  public List<String> streamTable() {
    return rows(url, "SELECT " + columns + " FROM " + table);
  }

  /**
   * Whether a key is S3Proxy's own temporary file of an upload it was stopped in the middle of
   * (an outage): its file-system store writes {@code <key>-<uuid>} and renames it when the upload
   * completes. S3 never lists an incomplete upload; the key it was for must be a file the catalog
   * names (the delivery was repeated).
   */
  private static boolean isInterruptedUpload(String key, List<String> named) {
    Matcher upload = INTERRUPTED_UPLOAD.matcher(key);
    return upload.matches() && named.contains(upload.group(1));
  }

  /** An append-mode sink's deltas replayed in refresh order, read by DuckDB: the rows as {@link #columns}, sorted. */
  public List<String> replayAppendLog() throws Exception {
    Map<Long, String> state = new HashMap<>();
    try (ObjectStore store = ObjectStores.open(path, s3)) {
      for (String key : rows(url, "SELECT lpad(refresh_id::text, 20, '0') || substr(file_path, length('" + path
          + "') + 1) FROM pgtrickle.pgt_ducklake_provenance WHERE pgt_id = " + pgtId())) {
        String file = download(store, key.substring(20));
        for (String row : DuckDbQueries.firstColumn("SELECT concat_ws('#', __pgt_op, __pgt_row_id, " + columns + ") "
            + "FROM read_parquet('" + file + "') ORDER BY __pgt_op, __pgt_row_id")) {
          String[] parts = row.split("#", 3);
          if (parts[0].equals("D")) {
            state.remove(Long.valueOf(parts[1]));
          } else {
            state.put(Long.valueOf(parts[1]), parts[2]);
          }
        }
      }
    }
    return state.values().stream().sorted().toList();
  }

  /** A mirror-mode sink's live data files minus their live delete files' positions, read by DuckDB, sorted. */
  public List<String> mirrorContents() throws Exception {
    List<String> rows = new ArrayList<>();
    try (ObjectStore store = ObjectStores.open(path, s3)) {
      for (String files : rows(url, "SELECT f.path || '#' || coalesce(d.path, '') FROM ducklake.ducklake_data_file f "
          + "JOIN pgtrickle.pgt_sinks k ON k.ducklake_table_id = f.table_id JOIN pgtrickle.pgt_stream_tables st "
          + "ON st.pgt_id = k.pgt_id AND st.pgt_name = '" + table + "' LEFT JOIN ducklake.ducklake_delete_file d "
          + "ON d.data_file_id = f.data_file_id AND d.end_snapshot IS NULL WHERE f.end_snapshot IS NULL")) {
        String[] paths = files.split("#", -1);
        rows.addAll(DuckDbQueries.firstColumn("SELECT " + columns + " FROM read_parquet('" + download(store, paths[0])
            + "', file_row_number = true)" + (paths[1].isEmpty() ? ""
            : " WHERE file_row_number NOT IN (SELECT pos FROM read_parquet('" + download(store, paths[1]) + "'))")));
      }
    }
    rows.sort(null);
    return rows;
  }

  private String download(ObjectStore store, String key) throws IOException {
    Path copy = downloads.resolve(key);
    Files.createDirectories(copy.getParent());
    Files.write(copy, store.get(key));
    return copy.toString();
  }
}
