package dev.trickle.sinks.parquet;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * How values of one PostgreSQL type are read over JDBC, written to Parquet, and named in a
 * DuckLake catalog. Types without a faithful Parquet counterpart (intervals, arrays, ranges,
 * enums, ...) are written as their PostgreSQL text.
 *
 * @param precision and {@code scale}: for DECIMAL only
 */
public record ColumnType(Kind kind, int precision, int scale) {
  /**
   * Precision and scale an unconstrained {@code numeric} is written with: up to 20 integer digits,
   * fractions rounded (half even) to 18 digits.
   */
  public static final int UNCONSTRAINED_PRECISION = 38;
  public static final int UNCONSTRAINED_SCALE = 18;

  /** The DuckLake type each kind is written as. */
  public enum Kind {
    BOOLEAN, INT16, INT32, INT64, FLOAT32, FLOAT64, DECIMAL, VARCHAR, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, UUID, BLOB,
    JSON
  }

  public ColumnType {
    if (kind == Kind.DECIMAL && (precision < 1 || precision > 38 || scale < 0 || scale > precision)) {
      throw new IllegalArgumentException("decimal(" + precision + ", " + scale + ") cannot be written to Parquet");
    }
  }

  static ColumnType of(Kind kind) {
    return new ColumnType(kind, 0, 0);
  }

  /**
   * The type for a PostgreSQL base type ({@code pg_type.typname}, domains resolved to their
   * base) and its type modifier ({@code atttypmod}).
   */
  public static ColumnType of(String typeName, int typmod) {
    switch (typeName) {
      case "bool": return of(Kind.BOOLEAN);
      case "int2": return of(Kind.INT16);
      case "int4": return of(Kind.INT32);
      case "int8": return of(Kind.INT64);
      case "float4": return of(Kind.FLOAT32);
      case "float8": return of(Kind.FLOAT64);
      case "numeric": return numeric(typmod);
      case "text": case "varchar": case "bpchar": case "name": case "char": return of(Kind.VARCHAR);
      case "date": return of(Kind.DATE);
      case "time": return of(Kind.TIME);
      case "timestamp": return of(Kind.TIMESTAMP);
      case "timestamptz": return of(Kind.TIMESTAMPTZ);
      case "uuid": return of(Kind.UUID);
      case "bytea": return of(Kind.BLOB);
      case "json": case "jsonb": return of(Kind.JSON);
      default: return of(Kind.VARCHAR);
    }
  }

  private static ColumnType numeric(int typmod) {
    if (typmod < 4) {
      return new ColumnType(Kind.DECIMAL, UNCONSTRAINED_PRECISION, UNCONSTRAINED_SCALE);
    }
    int precision = ((typmod - 4) >> 16) & 0xffff;
    int scale = (typmod - 4) & 0x7ff;
    if (precision > 38 || scale > precision) {
      // Wider than Parquet's decimals (or a negative scale): exact as text.
      return of(Kind.VARCHAR);
    }
    return new ColumnType(Kind.DECIMAL, precision, scale);
  }

  /** The type's name in a DuckLake catalog ({@code ducklake_column.column_type}). */
  public String duckLakeType() {
    return kind == Kind.DECIMAL ? "decimal(" + precision + "," + scale + ")" : kind.name().toLowerCase(Locale.ROOT);
  }

  /** The Parquet field for a column of this type. */
  PrimitiveType field(String name, int fieldId, boolean nullable) {
    Repetition repetition = nullable ? Repetition.OPTIONAL : Repetition.REQUIRED;
    switch (kind) {
      case BOOLEAN: return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).id(fieldId).named(name);
      case INT16: return Types.primitive(PrimitiveTypeName.INT32, repetition)
          .as(LogicalTypeAnnotation.intType(16, true)).id(fieldId).named(name);
      case INT32: return Types.primitive(PrimitiveTypeName.INT32, repetition).id(fieldId).named(name);
      case INT64: return Types.primitive(PrimitiveTypeName.INT64, repetition).id(fieldId).named(name);
      case FLOAT32: return Types.primitive(PrimitiveTypeName.FLOAT, repetition).id(fieldId).named(name);
      case FLOAT64: return Types.primitive(PrimitiveTypeName.DOUBLE, repetition).id(fieldId).named(name);
      case DECIMAL: return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(16)
          .as(LogicalTypeAnnotation.decimalType(scale, precision)).id(fieldId).named(name);
      case DATE: return Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType())
          .id(fieldId).named(name);
      case TIME: return Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS)).id(fieldId).named(name);
      case TIMESTAMP: return Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS)).id(fieldId).named(name);
      case TIMESTAMPTZ: return Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).id(fieldId).named(name);
      case UUID: return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(16)
          .as(LogicalTypeAnnotation.uuidType()).id(fieldId).named(name);
      case BLOB: return Types.primitive(PrimitiveTypeName.BINARY, repetition).id(fieldId).named(name);
      case JSON: return Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.jsonType())
          .id(fieldId).named(name);
      default: return Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType())
          .id(fieldId).named(name);
    }
  }

  /**
   * Column {@code index}'s value in the current row, converted for {@link #write}; null for SQL NULL.
   *
   * @throws IllegalArgumentException when the value cannot be written exactly (a decimal too wide)
   */
  Object read(ResultSet row, int index, String columnName) throws SQLException {
    Object value;
    switch (kind) {
      case BOOLEAN: value = row.getBoolean(index); break;
      case INT16: case INT32: value = row.getInt(index); break;
      case INT64: value = row.getLong(index); break;
      case FLOAT32: value = row.getFloat(index); break;
      case FLOAT64: value = row.getDouble(index); break;
      case DECIMAL: value = decimal(row.getBigDecimal(index), columnName); break;
      case DATE: value = daysOf(row.getObject(index, LocalDate.class)); break;
      case TIME: value = microsOf(row.getObject(index, LocalTime.class)); break;
      case TIMESTAMP: value = microsOf(row.getObject(index, LocalDateTime.class)); break;
      case TIMESTAMPTZ: value = microsOf(row.getObject(index, OffsetDateTime.class)); break;
      case UUID: value = uuid(row.getObject(index, UUID.class)); break;
      case BLOB: value = binary(row.getBytes(index)); break;
      default: value = text(row.getString(index)); break;
    }
    return row.wasNull() ? null : value;
  }

  /** Writes a value {@link #read} produced. */
  void write(RecordConsumer consumer, Object value) {
    switch (kind) {
      case BOOLEAN: consumer.addBoolean((Boolean) value); break;
      case INT16: case INT32: case DATE: consumer.addInteger((Integer) value); break;
      case INT64: case TIME: case TIMESTAMP: case TIMESTAMPTZ: consumer.addLong((Long) value); break;
      case FLOAT32: consumer.addFloat((Float) value); break;
      case FLOAT64: consumer.addDouble((Double) value); break;
      default: consumer.addBinary((Binary) value); break;
    }
  }

  private Binary decimal(BigDecimal value, String columnName) {
    if (value == null) {
      return null;
    }
    // Constrained numerics already have this scale; an unconstrained one is rounded to 18 digits.
    BigDecimal scaled = value.setScale(scale, RoundingMode.HALF_EVEN);
    if (scaled.precision() > precision) {
      throw new IllegalArgumentException("column " + columnName + ": " + value + " does not fit decimal(" + precision
          + "," + scale + "); cast it in the defining query (e.g. ::numeric(38,6)) to choose the precision written");
    }
    byte[] unscaled = scaled.unscaledValue().toByteArray();
    byte[] fixed = new byte[16];
    byte sign = (byte) (unscaled[0] < 0 ? -1 : 0);
    Arrays.fill(fixed, 0, 16 - unscaled.length, sign);
    System.arraycopy(unscaled, 0, fixed, 16 - unscaled.length, unscaled.length);
    return Binary.fromConstantByteArray(fixed);
  }

  private static Integer daysOf(LocalDate date) {
    return date == null ? null : Math.toIntExact(date.toEpochDay());
  }

  private static Long microsOf(LocalTime time) {
    return time == null ? null : time.toNanoOfDay() / 1000;
  }

  private static Long microsOf(LocalDateTime time) {
    return time == null ? null : micros(time.toEpochSecond(ZoneOffset.UTC), time.getNano());
  }

  private static Long microsOf(OffsetDateTime time) {
    return time == null ? null : micros(time.toEpochSecond(), time.getNano());
  }

  private static long micros(long epochSecond, int nanos) {
    return Math.addExact(Math.multiplyExact(epochSecond, 1_000_000L), nanos / 1000);
  }

  private static Binary uuid(UUID value) {
    if (value == null) {
      return null;
    }
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(value.getMostSignificantBits()).putLong(value.getLeastSignificantBits());
    return Binary.fromConstantByteArray(bytes.array());
  }

  private static Binary binary(byte[] value) {
    return value == null ? null : Binary.fromConstantByteArray(value);
  }

  private static Binary text(String value) {
    return value == null ? null : Binary.fromString(value);
  }
}
