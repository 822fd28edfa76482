package dev.trickle.sinks.ducklake;

import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.Sql;
import dev.trickle.sinks.parquet.ColumnStatistics;
import dev.trickle.sinks.parquet.ColumnType;
import dev.trickle.sinks.parquet.DeleteFileWriter;
import dev.trickle.sinks.parquet.DeltaColumn;
import dev.trickle.sinks.parquet.DeltaFile;
import dev.trickle.sinks.parquet.DeltaFileWriter;
import dev.trickle.sinks.parquet.DeltaLayout;
import dev.trickle.sinks.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.postgresql.PGStatement;

/**
 * Delivers a stream table's refresh deltas to its DuckLake sink, one refresh at a time in
 * refresh order: the delta's rows (read from the stream table's buffer) go to a Parquet file
 * uploaded under a key naming the stream table and refresh, then one catalog transaction adds
 * the DuckLake snapshot, data file, statistics, delete files (mirror mode) and provenance row
 * and advances the sink frontier. A delivery interrupted before that commit is repeated whole,
 * rewriting the same keys; one that finds the frontier moved by someone else commits nothing.
 */
public final class SinkDelivery {
  private static final int FETCH_SIZE = 20_000;

  private final ConnectionSource connections;
  private final Function<String, ObjectStore> stores;
  private final Path workDirectory;

  /**
   * @param stores opens the object store of a sink path
   * @param workDirectory where files are written before they are uploaded
   */
  public SinkDelivery(ConnectionSource connections, Function<String, ObjectStore> stores, Path workDirectory) {
    this.connections = connections;
    this.stores = stores;
    this.workDirectory = workDirectory;
  }

  /**
   * Delivers the oldest undelivered refresh of the stream table's sink; empty when there is
   * none (or the sink is gone, or another delivery got there first).
   *
   * @throws dev.trickle.catalog.CatalogException when the database refused, naming why
   */
  public Optional<Delivery> deliverNext(long pgtId) {
    return Sql.inTransaction(connections, connection -> deliverNext(connection, pgtId));
  }

  private Optional<Delivery> deliverNext(Connection connection, long pgtId) throws SQLException {
    Optional<SinkDefinition> found = SinkDefinition.load(connection, pgtId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SinkDefinition sink = found.get();
    DeltaLayout layout = layout(connection, sink.relid());
    DuckLakeCatalog catalog = new DuckLakeCatalog(sink.catalogSchema());
    if (sink.ducklakeTableId().isEmpty()) {
      register(connection, catalog, sink, layout);
      connection.commit();
      sink = SinkDefinition.load(connection, pgtId).orElseThrow();
    }
    long tableId = sink.ducklakeTableId().orElseThrow();
    // One delivery of a sink at a time: a second one (another node's, during a failover) waits
    // here, then finds the refresh delivered; reading on, it would find the delivered rows
    // trimmed from the buffer and overwrite the delivered file with an empty one.
    Long delivered = (Long) Sql.call(connection,
        "SELECT delivered_refresh_id FROM pgtrickle.pgt_sinks WHERE pgt_id = ? FOR UPDATE", pgtId);
    if (delivered == null || delivered != sink.deliveredRefreshId()) {
      return Optional.empty();
    }
    checkColumns(connection, catalog, sink, tableId, layout);
    Long refreshId = (Long) Sql.call(connection,
        "SELECT min(refresh_id) FROM pgtrickle._undelivered_refreshes(?)", pgtId);
    if (refreshId == null || (Boolean) Sql.call(connection, "SELECT EXISTS (SELECT 1 FROM "
        + "pgtrickle.pgt_ducklake_provenance WHERE pgt_id = ? AND refresh_id = ?)", pgtId, refreshId)) {
      // Nothing to deliver, or a frontier behind the provenance: writing would replace the
      // delivered file with what the buffer holds now.
      return Optional.empty();
    }
    try (ObjectStore store = stores.apply(sink.sinkPath())) {
      return new Attempt(connection, catalog, sink, tableId, layout, refreshId, store).run();
    }
  }

  /** The stream table's columns, with field ids 1..n, then its __pgt_ columns' ids. */
  private static DeltaLayout layout(Connection connection, long relid) throws SQLException {
    List<DeltaColumn> columns = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT a.attname, coalesce(b.typname, t.typname), CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END "
            + "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            + "LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype "
            + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped AND a.attname NOT LIKE '\\_\\_pgt\\_%' "
            + "ORDER BY a.attnum")) {
      statement.setLong(1, relid);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          columns.add(new DeltaColumn(row.getString(1), columns.size() + 1, ColumnType.of(row.getString(2), row.getInt(3)),
              true));
        }
      }
    }
    int next = columns.size() + 1;
    return new DeltaLayout(columns, next, next + 1, next + 2);
  }

  private static List<DuckLakeCatalog.LakeColumn> lakeColumns(DeltaLayout layout) {
    List<DuckLakeCatalog.LakeColumn> columns = new ArrayList<>();
    for (DeltaColumn column : layout.columns()) {
      columns.add(new DuckLakeCatalog.LakeColumn(column.fieldId(), column.name(), column.type().duckLakeType(), true));
    }
    columns.add(new DuckLakeCatalog.LakeColumn(layout.opFieldId(), DeltaLayout.OP, "varchar", false));
    columns.add(new DuckLakeCatalog.LakeColumn(layout.rowIdFieldId(), DeltaLayout.ROW_ID, "int64", false));
    columns.add(new DuckLakeCatalog.LakeColumn(layout.refreshIdFieldId(), DeltaLayout.REFRESH_ID, "int64", false));
    return columns;
  }

  private static void register(Connection connection, DuckLakeCatalog catalog, SinkDefinition sink, DeltaLayout layout)
      throws SQLException {
    catalog.lock(connection);
    catalog.install(connection, LakeNames.readerPath(sink.sinkPath()));
    String lakeSchema = LakeNames.lakeSchema(sink.schemaName());
    String viewName = sink.mode() == SinkMode.APPEND ? sink.tableName() : null;
    long tableId = catalog.registerTable(connection, lakeSchema, LakeNames.table(sink),
        LakeNames.readerPath(sink.sinkPath()), lakeColumns(layout), viewName, currentStateView(sink, layout, lakeSchema));
    Sql.call(connection, "UPDATE pgtrickle.pgt_sinks SET ducklake_table_id = ? WHERE pgt_id = ?", tableId,
        sink.pgtId());
  }

  /** The append-mode view showing the stream table as of the change log's last refresh. */
  private static String currentStateView(SinkDefinition sink, DeltaLayout layout, String lakeSchema) {
    List<String> names = new ArrayList<>();
    layout.columns().forEach(column -> names.add(LakeNames.quoted(column.name())));
    names.add(DeltaLayout.ROW_ID);
    String columns = String.join(", ", names);
    return "SELECT " + columns + " FROM (SELECT *, row_number() OVER (PARTITION BY " + DeltaLayout.ROW_ID
        + " ORDER BY " + DeltaLayout.REFRESH_ID + " DESC, " + DeltaLayout.OP + " DESC) AS __pgt_latest FROM "
        + LakeNames.quoted(lakeSchema) + "." + LakeNames.quoted(LakeNames.table(sink))
        + ") WHERE __pgt_latest = 1 AND " + DeltaLayout.OP + " = 'I'";
  }

  private static void checkColumns(Connection connection, DuckLakeCatalog catalog, SinkDefinition sink, long tableId,
      DeltaLayout layout) throws SQLException {
    List<String> expected = new ArrayList<>();
    lakeColumns(layout).forEach(column -> expected.add(column.id() + " " + column.name() + " " + column.type()));
    List<String> actual = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement("SELECT column_id, column_name, column_type FROM "
        + catalog.table("ducklake_column") + " WHERE table_id = ? AND end_snapshot IS NULL ORDER BY column_id")) {
      statement.setLong(1, tableId);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          actual.add(row.getLong(1) + " " + row.getString(2) + " " + row.getString(3));
        }
      }
    }
    if (!expected.equals(actual)) {
      throw new IllegalStateException("the columns of stream table " + sink.displayName() + " " + expected
          + " no longer match its DuckLake table " + tableId + " " + actual + "; remove the sink and add it again");
    }
  }

  /** Writes a local file, returning what it wrote. */
  @FunctionalInterface
  private interface LocalFile<T> {
    T write(Path file) throws IOException, SQLException;
  }

  /** One refresh's delivery. */
  private final class Attempt {
    private final Connection connection;
    private final DuckLakeCatalog catalog;
    private final SinkDefinition sink;
    private final long tableId;
    private final DeltaLayout layout;
    private final long refreshId;
    private final ObjectStore store;

    Attempt(Connection connection, DuckLakeCatalog catalog, SinkDefinition sink, long tableId, DeltaLayout layout,
        long refreshId, ObjectStore store) {
      this.connection = connection;
      this.catalog = catalog;
      this.sink = sink;
      this.tableId = tableId;
      this.layout = layout;
      this.refreshId = refreshId;
      this.store = store;
    }

    Optional<Delivery> run() throws SQLException {
      boolean mirror = sink.mode() == SinkMode.MIRROR;
      long inserts;
      long deletes;
      Optional<String> dataKey = Optional.empty();
      DeltaFile dataFile = null;
      if (mirror) {
        long[] counts = countMirrorDelta();
        inserts = counts[0];
        deletes = counts[1];
        if (inserts > 0) {
          dataKey = Optional.of(LakeNames.dataFile(sink, refreshId));
          dataFile = writeDataFile(dataKey.get(), true);
        }
      } else {
        dataKey = Optional.of(LakeNames.dataFile(sink, refreshId));
        dataFile = writeDataFile(dataKey.get(), false);
        deletes = dataFile.deleteCount();
        inserts = dataFile.rowCount() - deletes;
      }
      Map<Long, DeleteFileWriter.DeleteFile> deleteFiles = new TreeMap<>();
      Map<Long, long[]> deadPositions = new TreeMap<>();
      if (mirror && deletes > 0) {
        deadPositions = deadPositions(deletes);
        deleteFiles = writeDeleteFiles(deadPositions);
      }
      catalog.lock(connection);
      DuckLakeCatalog.Snapshot latest = catalog.latest(connection);
      long snapshot = latest.id() + 1;
      long nextFileId = latest.nextFileId();
      List<String> changes = new ArrayList<>();
      long bytes = 0;
      if (mirror && deletes > 0) {
        Sql.call(connection, "UPDATE pgtrickle.pgt_sink_row_positions p SET live = false FROM " + sink.buffer()
            + " b WHERE p.pgt_id = ? AND p.live AND b.__pgt_row_id = p.row_id AND b.__pgt_refresh_id = ? "
            + "AND b.__pgt_op = 'D'", sink.pgtId(), refreshId);
        changes.add("deleted_from_table:" + tableId);
      }
      if (dataFile != null) {
        long dataFileId = nextFileId++;
        addDataFile(dataFileId, snapshot, dataKey.get(), dataFile, mirror ? inserts : inserts + deletes);
        if (mirror) {
          recordPositions(dataFileId);
        }
        bytes += dataFile.fileSize();
        changes.add("inserted_into_table:" + tableId);
      }
      for (Map.Entry<Long, long[]> dead : deadPositions.entrySet()) {
        DeleteFileWriter.DeleteFile deleteFile = deleteFiles.get(dead.getKey());
        retire(dead.getKey(), snapshot, deleteFile == null ? null : nextFileId++, deleteFile);
        bytes += deleteFile == null ? 0 : deleteFile.fileSize();
      }
      Sql.call(connection, "UPDATE " + catalog.table("ducklake_table_stats")
          + " SET record_count = record_count + ? WHERE table_id = ?", mirror ? inserts - deletes : inserts + deletes,
          tableId);
      catalog.addSnapshot(connection, new DuckLakeCatalog.Snapshot(snapshot, latest.schemaVersion(),
          latest.nextCatalogId(), nextFileId), changes, "refresh " + refreshId + " of " + sink.displayName());
      Sql.call(connection, "INSERT INTO pgtrickle.pgt_ducklake_provenance (pgt_id, stream_table_name, "
          + "refresh_id, ducklake_snapshot_id, delta_row_count, file_path, ducklake_table_id, rows_inserted, rows_deleted, "
          + "file_size_bytes, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())", sink.pgtId(), sink.displayName(), refreshId,
          snapshot, inserts + deletes, dataKey.map(store::url).orElse(null), tableId, inserts, deletes, bytes);
      Sql.call(connection, "UPDATE pgtrickle.pgt_sinks SET delivered_refresh_id = ?, delivered_at = now(), "
          + "consecutive_errors = 0, last_error = NULL WHERE pgt_id = ?", refreshId, sink.pgtId());
      Sql.call(connection, "SELECT pgtrickle._trim_changes(?::oid)", sink.relid());
      return Optional.of(new Delivery(refreshId, snapshot, inserts + deletes, inserts, deletes, dataKey, bytes,
          deleteFiles.size()));
    }

    /** The numbers of rows the delta inserts and deletes. */
    private long[] countMirrorDelta() throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FILTER (WHERE __pgt_op = 'I'), "
          + "count(*) FILTER (WHERE __pgt_op = 'D') FROM " + sink.buffer() + " WHERE __pgt_refresh_id = ?")) {
        statement.setLong(1, refreshId);
        try (ResultSet counts = statement.executeQuery()) {
          counts.next();
          return new long[] {counts.getLong(1), counts.getLong(2)};
        }
      }
    }

    /**
     * The delta's rows, deletes before inserts, each by row id (mirror mode: inserts only), read
     * in that order from the buffer's deliveries index: rows stream while PostgreSQL reads them,
     * where a sort would first have to take in the whole delta (the planner, without statistics
     * on a young buffer, would choose one).
     */
    private DeltaFile writeDataFile(String key, boolean insertsOnly) throws SQLException {
      StringBuilder columns = new StringBuilder();
      layout.columns().forEach(column -> columns.append(", b.").append(LakeNames.quoted(column.name())));
      Sql.call(connection, "SET LOCAL enable_sort = off");
      try (PreparedStatement statement = connection.prepareStatement("SELECT b.__pgt_row_id, b.__pgt_op::text" + columns
          + " FROM " + sink.buffer() + " b WHERE b.__pgt_refresh_id = ?" + (insertsOnly ? " AND b.__pgt_op = 'I'" : "")
          + " ORDER BY b.__pgt_op, b.__pgt_row_id")) {
        statement.setFetchSize(FETCH_SIZE);
        // Binary transfer: numbers, dates and timestamps arrive without text to parse.
        statement.unwrap(PGStatement.class).setPrepareThreshold(-1);
        statement.setLong(1, refreshId);
        try (ResultSet rows = statement.executeQuery()) {
          Sql.call(connection, "SET LOCAL enable_sort = on");
          return upload(key, file -> new DeltaFileWriter(layout).write(rows, refreshId, file));
        }
      }
    }

    /** Writes a file with {@code write}, stores it under {@code key} and removes the local copy. */
    private <T> T upload(String key, LocalFile<T> write) throws SQLException {
      Path file = workDirectory.resolve(key);
      try {
        T written = write.write(file);
        store.put(key, file);
        return written;
      } catch (IOException e) {
        throw new UncheckedIOException("writing " + file + " failed: " + e.getMessage(), e);
      } finally {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          throw new UncheckedIOException("removing " + file + " failed: " + e.getMessage(), e);
        }
      }
    }

    /**
     * For each data file holding a row this delta deletes: every dead position it will have,
     * the earlier ones and the new.
     */
    private Map<Long, long[]> deadPositions(long deletes) throws SQLException {
      Map<Long, TreeSet<Long>> dead = new TreeMap<>();
      long found = 0;
      try (PreparedStatement statement = connection.prepareStatement("SELECT p.data_file_id, p.file_position "
          + "FROM pgtrickle.pgt_sink_row_positions p JOIN " + sink.buffer() + " b ON b.__pgt_row_id = p.row_id "
          + "WHERE p.pgt_id = ? AND p.live AND b.__pgt_refresh_id = ? AND b.__pgt_op = 'D'")) {
        statement.setLong(1, sink.pgtId());
        statement.setLong(2, refreshId);
        try (ResultSet row = statement.executeQuery()) {
          while (row.next()) {
            dead.computeIfAbsent(row.getLong(1), file -> new TreeSet<>()).add(row.getLong(2));
            found++;
          }
        }
      }
      if (found != deletes) {
        throw new IllegalStateException("refresh " + refreshId + " of " + sink.displayName() + " deletes " + deletes
            + " rows but its DuckLake table holds only " + found + " of them");
      }
      Map<Long, long[]> result = new TreeMap<>();
      for (Map.Entry<Long, TreeSet<Long>> file : dead.entrySet()) {
        try (PreparedStatement statement = connection.prepareStatement("SELECT file_position FROM "
            + "pgtrickle.pgt_sink_row_positions WHERE pgt_id = ? AND data_file_id = ? AND NOT live")) {
          statement.setLong(1, sink.pgtId());
          statement.setLong(2, file.getKey());
          try (ResultSet row = statement.executeQuery()) {
            while (row.next()) {
              file.getValue().add(row.getLong(1));
            }
          }
        }
        result.put(file.getKey(), file.getValue().stream().mapToLong(Long::longValue).toArray());
      }
      return result;
    }

    /** Delete files for data files that keep live rows; none for those left without any. */
    private Map<Long, DeleteFileWriter.DeleteFile> writeDeleteFiles(Map<Long, long[]> dead) throws SQLException {
      Map<Long, DeleteFileWriter.DeleteFile> written = new TreeMap<>();
      for (Map.Entry<Long, long[]> file : dead.entrySet()) {
        long dataFileId = file.getKey();
        String dataPath;
        long records;
        try (PreparedStatement statement = connection.prepareStatement("SELECT path, record_count FROM "
            + catalog.table("ducklake_data_file") + " WHERE data_file_id = ?")) {
          statement.setLong(1, dataFileId);
          try (ResultSet row = statement.executeQuery()) {
            row.next();
            dataPath = row.getString(1);
            records = row.getLong(2);
          }
        }
        if (file.getValue().length == records) {
          continue;
        }
        String readerPath = LakeNames.readerPath(sink.sinkPath()) + dataPath;
        written.put(dataFileId, upload(LakeNames.deleteFile(sink, refreshId, dataFileId),
            local -> new DeleteFileWriter().write(readerPath, file.getValue(), local)));
      }
      return written;
    }

    private void addDataFile(long dataFileId, long snapshot, String key, DeltaFile file, long records)
        throws SQLException {
      long rowIdStart = (Long) Sql.call(connection, "SELECT next_row_id FROM "
          + catalog.table("ducklake_table_stats") + " WHERE table_id = ? FOR UPDATE", tableId);
      Sql.call(connection, "INSERT INTO " + catalog.table("ducklake_data_file") + " (data_file_id, "
          + "table_id, begin_snapshot, path, path_is_relative, file_format, record_count, file_size_bytes, footer_size, "
          + "row_id_start) VALUES (?, ?, ?, ?, true, 'parquet', ?, ?, ?, ?)", dataFileId, tableId, snapshot, key,
          records, file.fileSize(), file.footerSize(), rowIdStart);
      Sql.call(connection, "UPDATE " + catalog.table("ducklake_table_stats")
          + " SET next_row_id = next_row_id + ?, file_size_bytes = file_size_bytes + ? WHERE table_id = ?", records,
          file.fileSize(), tableId);
      List<ColumnType> types = new ArrayList<>();
      layout.columns().forEach(column -> types.add(column.type()));
      types.add(ColumnType.of("text", -1));
      types.add(ColumnType.of("int8", -1));
      types.add(ColumnType.of("int8", -1));
      for (int i = 0; i < file.columns().size(); i++) {
        ColumnStatistics stats = file.columns().get(i);
        int columnId = i + 1;
        Sql.call(connection, "INSERT INTO " + catalog.table("ducklake_file_column_stats")
            + " (data_file_id, table_id, column_id, column_size_bytes, value_count, null_count, min_value, max_value, "
            + "contains_nan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", dataFileId, tableId, columnId, stats.columnSizeBytes(),
            stats.valueCount(), stats.nullCount(), stats.minValue().orElse(null), stats.maxValue().orElse(null),
            stats.containsNan());
        mergeTableStatistics(columnId, types.get(i), stats);
      }
    }

    private void mergeTableStatistics(int columnId, ColumnType type, ColumnStatistics stats) throws SQLException {
      String as = LakeStatistics.comparableAs(type);
      String min = stats.minValue().orElse(null);
      String max = stats.maxValue().orElse(null);
      boolean nulls = stats.nullCount() > 0;
      int updated = (Integer) Sql.call(connection, "UPDATE " + catalog.table("ducklake_table_column_stats")
          + " SET contains_null = contains_null OR ?, contains_nan = contains_nan OR ?"
          + (as == null ? "" : ", min_value = CASE WHEN min_value IS NULL OR ?::varchar::" + as + " < min_value::" + as
              + " THEN coalesce(?, min_value) ELSE min_value END, max_value = CASE WHEN max_value IS NULL OR ?::varchar::"
              + as + " > max_value::" + as + " THEN coalesce(?, max_value) ELSE max_value END")
          + " WHERE table_id = ? AND column_id = ?",
          as == null ? new Object[] {nulls, stats.containsNan(), tableId, columnId}
              : new Object[] {nulls, stats.containsNan(), min, min, max, max, tableId, columnId});
      if (updated == 0) {
        Sql.call(connection, "INSERT INTO " + catalog.table("ducklake_table_column_stats")
            + " (table_id, column_id, contains_null, contains_nan, min_value, max_value) VALUES (?, ?, ?, ?, ?, ?)",
            tableId, columnId, nulls, stats.containsNan(), min, max);
      }
    }

    /**
     * Remembers where the new data file put each row: its position is its rank by row id (the
     * rows this delta deletes are already marked dead, so an updated row's new place is its only
     * live one).
     */
    private void recordPositions(long dataFileId) throws SQLException {
      Sql.call(connection, "INSERT INTO pgtrickle.pgt_sink_row_positions (pgt_id, data_file_id, "
          + "file_position, row_id) SELECT ?, ?, row_number() OVER (ORDER BY __pgt_row_id) - 1, __pgt_row_id FROM "
          + sink.buffer() + " WHERE __pgt_refresh_id = ? AND __pgt_op = 'I'", sink.pgtId(), dataFileId, refreshId);
    }

    /**
     * Ends a data file's current delete file and either adds the new one or, when no row of
     * the data file is left, ends the data file itself.
     */
    private void retire(long dataFileId, long snapshot, Long deleteFileId, DeleteFileWriter.DeleteFile deleteFile)
        throws SQLException {
      Sql.call(connection, "UPDATE " + catalog.table("ducklake_delete_file")
          + " SET end_snapshot = ? WHERE data_file_id = ? AND end_snapshot IS NULL", snapshot, dataFileId);
      if (deleteFile == null) {
        Sql.call(connection, "UPDATE " + catalog.table("ducklake_data_file")
            + " SET end_snapshot = ? WHERE data_file_id = ?", snapshot, dataFileId);
        Sql.call(connection, "DELETE FROM pgtrickle.pgt_sink_row_positions WHERE pgt_id = ? "
            + "AND data_file_id = ?", sink.pgtId(), dataFileId);
        return;
      }
      Sql.call(connection, "INSERT INTO " + catalog.table("ducklake_delete_file") + " (delete_file_id, "
          + "table_id, begin_snapshot, data_file_id, path, path_is_relative, format, delete_count, file_size_bytes, "
          + "footer_size) VALUES (?, ?, ?, ?, ?, true, 'parquet', ?, ?, ?)", deleteFileId, tableId, snapshot, dataFileId,
          LakeNames.deleteFile(sink, refreshId, dataFileId), deleteFile.deleteCount(), deleteFile.fileSize(),
          deleteFile.footerSize());
    }
  }
}
