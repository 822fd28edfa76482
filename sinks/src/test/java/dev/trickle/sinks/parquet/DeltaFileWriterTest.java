package dev.trickle.sinks.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Delta files of PostgreSQL rows, read back by DuckDB. */
class DeltaFileWriterTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create();

  /** Column name, PostgreSQL type, a value as SQL, and the same value as DuckDB prints it. */
  private static final List<List<String>> COLUMNS = List.of(
      List.of("flag", "boolean", "true", "true"),
      List.of("small", "smallint", "-32768", "-32768"),
      List.of("medium", "integer", "2147483647", "2147483647"),
      List.of("big", "bigint", "9000000000000000000", "9000000000000000000"),
      List.of("real_", "real", "1.5", "1.5"),
      List.of("double_", "double precision", "-2.25", "-2.25"),
      List.of("money_", "numeric(10,2)", "-12345678.91", "-12345678.91"),
      List.of("ratio", "numeric", "5.0 / 3", "1.666666666666666700"),
      List.of("wide", "numeric(60,2)", "123456789012345678901234567890123456789012345.67",
          "123456789012345678901234567890123456789012345.67"),
      List.of("name_", "text", "'héllo, wörld'", "héllo, wörld"),
      List.of("code", "varchar(8)", "'ab'", "ab"),
      List.of("day", "date", "'2024-02-29'", "2024-02-29"),
      List.of("at_time", "time", "'13:45:01.123456'", "13:45:01.123456"),
      List.of("local_at", "timestamp", "'2024-02-29 13:45:01.123456'", "2024-02-29 13:45:01.123456"),
      List.of("happened", "timestamptz", "'2024-02-29 13:45:01.123456+01'", "1709210701123456"),
      List.of("id_", "uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
      List.of("bytes", "bytea", "'\\x00ff10'", "\\x00\\xFF\\x10"),
      List.of("doc", "jsonb", "'{\"a\": [1, 2]}'", "{\"a\": [1, 2]}"),
      List.of("span", "interval", "'1 day 2 hours'", "1 day 02:00:00"),
      List.of("tags", "integer[]", "ARRAY[1, 2]", "{1,2}"));

  @TempDir static Path directory;
  private static DeltaLayout layout;

  @BeforeAll
  static void createTable() {
    StringBuilder create = new StringBuilder("CREATE TABLE typed (row_id bigint");
    StringBuilder insert = new StringBuilder("INSERT INTO typed VALUES (1");
    for (List<String> column : COLUMNS) {
      create.append(", ").append(column.get(0)).append(' ').append(column.get(1));
      insert.append(", ").append(column.get(2));
    }
    db.execute(create.append(")").toString(), insert.append(")").toString(), "INSERT INTO typed (row_id) VALUES (2)");
    List<DeltaColumn> columns = new ArrayList<>();
    for (List<Object> attribute : db.query("SELECT a.attname, coalesce(bt.typname, t.typname), a.atttypmod "
        + "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type bt ON bt.oid = t.typbasetype "
        + "WHERE a.attrelid = 'typed'::regclass AND a.attnum > 1 AND NOT a.attisdropped ORDER BY a.attnum")) {
      columns.add(new DeltaColumn((String) attribute.get(0), 10 + columns.size(),
          ColumnType.of((String) attribute.get(1), ((Number) attribute.get(2)).intValue()), true));
    }
    layout = new DeltaLayout(columns, 1, 2, 3);
  }

  private DeltaFile write(String query, long refreshId, Path file) throws Exception {
    try (Connection connection = db.connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(query)) {
      return new DeltaFileWriter(layout).write(rows, refreshId, file);
    }
  }

  private static String columnList() {
    return String.join(", ", COLUMNS.stream().map(column -> column.get(0)).toList());
  }

  private static Map<String, String> duckdb(String query) throws SQLException {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duck.createStatement();
        ResultSet row = statement.executeQuery(query)) {
      Map<String, String> values = new LinkedHashMap<>();
      assertTrue(row.next(), "a row from " + query);
      for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
        values.put(row.getMetaData().getColumnName(i), row.getString(i));
      }
      return values;
    }
  }

  @Test
  void shouldWriteEveryTypeSoDuckDbReadsTheSameValues() throws Exception {
    Path file = directory.resolve("values.parquet");
    DeltaFile written = write("SELECT row_id AS __pgt_row_id, 'I' AS __pgt_op, " + columnList()
        + " FROM typed WHERE row_id = 1", 42, file);
    assertEquals(1, written.rowCount());
    assertEquals(Files.size(file), written.fileSize());
    assertTrue(written.footerSize() > 0 && written.footerSize() < written.fileSize());
    StringBuilder select = new StringBuilder("SELECT __pgt_op, __pgt_row_id, __pgt_refresh_id");
    for (List<String> column : COLUMNS) {
      String name = column.get(0);
      select.append(", ").append(name.equals("happened") ? "epoch_us(happened)" : name + "::varchar").append(" AS ").append(name);
    }
    Map<String, String> values = duckdb(select + " FROM read_parquet('" + file + "')");
    assertEquals("I", values.get("__pgt_op"));
    assertEquals("1", values.get("__pgt_row_id"));
    assertEquals("42", values.get("__pgt_refresh_id"));
    for (List<String> column : COLUMNS) {
      assertEquals(column.get(3), values.get(column.get(0)), column.get(0) + " " + column.get(1));
    }
  }

  @Test
  void shouldWriteNullsAndTypesDuckDbRecognises() throws Exception {
    Path file = directory.resolve("nulls.parquet");
    write("SELECT row_id AS __pgt_row_id, 'D' AS __pgt_op, " + columnList() + " FROM typed WHERE row_id = 2", 7, file);
    Map<String, String> nulls = duckdb("SELECT count(*) FILTER (WHERE " + String.join(" IS NULL AND ",
        COLUMNS.stream().map(column -> column.get(0)).toList()) + " IS NULL) AS all_null FROM read_parquet('" + file + "')");
    assertEquals("1", nulls.get("all_null"));
    Map<String, String> types = new LinkedHashMap<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duck.createStatement();
        ResultSet rows = statement.executeQuery("SELECT name, type, field_id FROM parquet_schema('" + file + "') "
            + "WHERE field_id IS NOT NULL")) {
      while (rows.next()) {
        types.put(rows.getString(1), rows.getString(2) + "#" + rows.getInt(3));
      }
    }
    assertEquals("INT64#2", types.get("__pgt_row_id"));
    assertEquals("INT64#3", types.get("__pgt_refresh_id"));
    assertEquals("BYTE_ARRAY#1", types.get("__pgt_op"));
    assertEquals("FIXED_LEN_BYTE_ARRAY#16", types.get("money_"), "numeric(10,2) is a decimal with its column id");
  }

  @Test
  void shouldNameTheColumnWhoseValueDoesNotFit() {
    IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
        () -> write("SELECT row_id AS __pgt_row_id, 'I' AS __pgt_op, " + columnList().replace("ratio", "1e30::numeric AS ratio")
            + " FROM typed WHERE row_id = 1", 1, directory.resolve("wide.parquet")));
    assertTrue(failure.getMessage().startsWith("column ratio: "), failure.getMessage());
  }

  @Test
  void shouldGatherColumnStatisticsDuckDbCanCastBack() throws Exception {
    db.execute("CREATE TABLE measured (id bigint, amount numeric(10,2), label text, happened timestamptz, "
            + "ratio double precision, doc jsonb)",
        "INSERT INTO measured VALUES (1, 10.50, 'b', '2024-02-29 13:45:01.5+01', 'NaN', '{}'), "
            + "(2, -3.25, 'a', '2023-01-01 00:00:00+00', 0.5, '[]'), (3, NULL, 'é', NULL, 2.5, NULL)");
    DeltaLayout measured = new DeltaLayout(List.of(
        new DeltaColumn("amount", 11, ColumnType.of("numeric", ((10 << 16) | 2) + 4), true),
        new DeltaColumn("label", 12, ColumnType.of("text", -1), true),
        new DeltaColumn("happened", 13, ColumnType.of("timestamptz", -1), true),
        new DeltaColumn("ratio", 14, ColumnType.of("float8", -1), true),
        new DeltaColumn("doc", 15, ColumnType.of("jsonb", -1), true)), 1, 2, 3);
    DeltaFile file;
    try (Connection connection = db.connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id, 'I', amount, label, happened, ratio, doc FROM measured ORDER BY id")) {
      file = new DeltaFileWriter(measured).write(rows, 5, directory.resolve("measured.parquet"));
    }
    ColumnStatistics amount = file.columns().get(0);
    assertEquals(List.of(3L, 1L, "-3.25", "10.50"), List.of(amount.valueCount(), amount.nullCount(),
        amount.minValue().orElseThrow(), amount.maxValue().orElseThrow()));
    assertTrue(amount.columnSizeBytes() > 0);
    assertEquals(List.of("a", "é"), List.of(file.columns().get(1).minValue().orElseThrow(),
        file.columns().get(1).maxValue().orElseThrow()), "strings in UTF-8 byte order");
    ColumnStatistics happened = file.columns().get(2);
    assertEquals("2023-01-01 00:00:00.000000+00", happened.minValue().orElseThrow());
    assertEquals("2024-02-29 12:45:01.500000+00", happened.maxValue().orElseThrow());
    ColumnStatistics ratio = file.columns().get(3);
    assertTrue(ratio.containsNan());
    assertEquals(List.of("0.5", "2.5"), List.of(ratio.minValue().orElseThrow(), ratio.maxValue().orElseThrow()));
    assertEquals(List.of(), file.columns().get(4).minValue().stream().toList(), "no bounds for json");
    Map<String, String> cast = duckdb("SELECT epoch_us('" + happened.maxValue().orElseThrow() + "'::timestamptz) AS at_us, "
        + "'" + amount.minValue().orElseThrow() + "'::decimal(10,2)::varchar AS amount");
    assertEquals("1709210701500000", cast.get("at_us"));
    assertEquals("-3.25", cast.get("amount"));
  }

  @Test
  void shouldNameDuckLakeTypes() {
    assertEquals("decimal(10,2)", ColumnType.of("numeric", ((10 << 16) | 2) + 4).duckLakeType());
    assertEquals("decimal(38,18)", ColumnType.of("numeric", -1).duckLakeType());
    assertEquals("varchar", ColumnType.of("numeric", ((60 << 16) | 2) + 4).duckLakeType());
    assertEquals("timestamptz", ColumnType.of("timestamptz", -1).duckLakeType());
    assertEquals("int16", ColumnType.of("int2", -1).duckLakeType());
    assertEquals("varchar", ColumnType.of("interval", -1).duckLakeType());
  }
}
