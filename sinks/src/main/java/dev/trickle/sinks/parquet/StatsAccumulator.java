package dev.trickle.sinks.parquet;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveComparator;

/**
 * Gathers the statistics of one column while a delta file is written: value and null counts,
 * whether a NaN occurred, and the minimum and maximum as strings that cast back to the
 * column's type (none for JSON and binary columns).
 */
final class StatsAccumulator {
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final ColumnType type;
  private final Comparator<Object> order;
  private long values;
  private long nulls;
  private boolean nan;
  private Object min;
  private Object max;

  StatsAccumulator(ColumnType type) {
    this.type = type;
    this.order = order(type.kind());
  }

  /** Counts a value as {@link ColumnType#read} produced it (null for SQL NULL). */
  void add(Object value) {
    values++;
    if (value == null) {
      nulls++;
      return;
    }
    if (value instanceof Float && ((Float) value).isNaN() || value instanceof Double && ((Double) value).isNaN()) {
      nan = true;
      return;
    }
    if (order == null) {
      return;
    }
    if (min == null || order.compare(value, min) < 0) {
      min = value;
    }
    if (max == null || order.compare(value, max) > 0) {
      max = value;
    }
  }

  /** The statistics, with the column's size in the file. */
  ColumnStatistics result(long columnSizeBytes) {
    return new ColumnStatistics(columnSizeBytes, values, nulls, nan, Optional.ofNullable(min).map(this::format),
        Optional.ofNullable(max).map(this::format));
  }

  @SuppressWarnings("unchecked")
  private static Comparator<Object> order(ColumnType.Kind kind) {
    switch (kind) {
      case JSON: case BLOB: return null;
      case DECIMAL: return Comparator.comparing(value -> new BigInteger(((Binary) value).getBytes()));
      case VARCHAR: case UUID: return (left, right) ->
          PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR.compare((Binary) left, (Binary) right);
      default: return (left, right) -> ((Comparable<Object>) left).compareTo(right);
    }
  }

  private String format(Object value) {
    switch (type.kind()) {
      case DECIMAL: return new BigDecimal(new BigInteger(((Binary) value).getBytes()), type.scale()).toPlainString();
      case VARCHAR: return ((Binary) value).toStringUsingUTF8();
      case UUID: {
        ByteBuffer bytes = ((Binary) value).toByteBuffer();
        return new UUID(bytes.getLong(), bytes.getLong()).toString();
      }
      case DATE: return LocalDate.ofEpochDay((Integer) value).toString();
      case TIME: return LocalTime.ofNanoOfDay((Long) value * 1000).format(DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS"));
      case TIMESTAMP: return TIMESTAMP.format(micros((Long) value).atOffset(ZoneOffset.UTC));
      case TIMESTAMPTZ: return TIMESTAMP.format(micros((Long) value).atOffset(ZoneOffset.UTC)) + "+00";
      default: return String.valueOf(value);
    }
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plusSeconds(Math.floorDiv(micros, 1_000_000)).plusNanos(Math.floorMod(micros, 1_000_000) * 1000);
  }
}
