package dev.trickle.sinks.parquet;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * The statistics of a written file's columns, taken from the statistics Parquet keeps in its
 * footer (merged over row groups): value and null counts, and the minimum and maximum as
 * strings that cast back to the column's type (none for JSON and binary columns). Floating-point
 * columns take their bounds from {@link FloatBounds} gathered while reading, which leave NaN out.
 */
final class FooterStatistics {
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

  private FooterStatistics() {}

  /**
   * @param types the type of each field of {@code schema}, in order
   * @param floats the bounds of each floating-point field (null for the other fields)
   */
  static List<ColumnStatistics> of(MessageType schema, List<ColumnType> types, List<BlockMetaData> rowGroups,
      long rows, FloatBounds[] floats) {
    int fields = schema.getFieldCount();
    long[] sizes = new long[fields];
    Statistics<?>[] merged = new Statistics<?>[fields];
    for (BlockMetaData rowGroup : rowGroups) {
      for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
        int field = schema.getFieldIndex(chunk.getPath().toArray()[0]);
        sizes[field] += chunk.getTotalSize();
        if (merged[field] == null) {
          merged[field] = Statistics.createStats(schema.getType(field));
        }
        merged[field].mergeStatistics(chunk.getStatistics());
      }
    }
    ColumnStatistics[] result = new ColumnStatistics[fields];
    for (int field = 0; field < fields; field++) {
      Statistics<?> stats = merged[field];
      long nulls = stats == null ? 0 : stats.getNumNulls();
      FloatBounds bounds = floats[field];
      if (bounds != null) {
        result[field] = new ColumnStatistics(sizes[field], rows, nulls, bounds.containsNan(), bounds.min(), bounds.max());
        continue;
      }
      boolean bounded = stats != null && stats.hasNonNullValue() && hasOrder(types.get(field));
      result[field] = new ColumnStatistics(sizes[field], rows, nulls, false,
          bounded ? Optional.of(format(types.get(field), stats.genericGetMin())) : Optional.empty(),
          bounded ? Optional.of(format(types.get(field), stats.genericGetMax())) : Optional.empty());
    }
    return List.of(result);
  }

  private static boolean hasOrder(ColumnType type) {
    return type.kind() != ColumnType.Kind.JSON && type.kind() != ColumnType.Kind.BLOB;
  }

  private static String format(ColumnType type, Object value) {
    switch (type.kind()) {
      case DECIMAL: return new BigDecimal(new BigInteger(((Binary) value).getBytes()), type.scale()).toPlainString();
      case VARCHAR: return ((Binary) value).toStringUsingUTF8();
      case UUID: {
        ByteBuffer bytes = ((Binary) value).toByteBuffer();
        return new UUID(bytes.getLong(), bytes.getLong()).toString();
      }
      case DATE: return LocalDate.ofEpochDay((Integer) value).toString();
      case TIME: return LocalTime.ofNanoOfDay((Long) value * 1000).format(TIME);
      case TIMESTAMP: return TIMESTAMP.format(micros((Long) value).atOffset(ZoneOffset.UTC));
      case TIMESTAMPTZ: return TIMESTAMP.format(micros((Long) value).atOffset(ZoneOffset.UTC)) + "+00";
      default: return String.valueOf(value);
    }
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plusSeconds(Math.floorDiv(micros, 1_000_000)).plusNanos(Math.floorMod(micros, 1_000_000) * 1000);
  }
}
