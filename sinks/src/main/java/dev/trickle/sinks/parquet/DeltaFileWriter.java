package dev.trickle.sinks.parquet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one refresh's delta as a zstd-compressed Parquet file: the rows of a query returning
 * {@code __pgt_row_id}, {@code __pgt_op} and then the stream table's columns in the layout's
 * order, each tagged with the refresh id.
 */
public final class DeltaFileWriter {
  private final DeltaLayout layout;
  private final MessageType schema;

  public DeltaFileWriter(DeltaLayout layout) {
    this.layout = layout;
    this.schema = layout.schema();
  }

  /**
   * Writes {@code rows} to {@code file} (replacing it), gathering each column's statistics. The
   * rows are read on the calling thread and encoded on another.
   *
   * @throws IllegalArgumentException when a value cannot be written exactly, naming the column
   */
  public DeltaFile write(ResultSet rows, long refreshId, Path file) throws SQLException, IOException {
    Files.deleteIfExists(file);
    List<DeltaColumn> columns = layout.columns();
    List<ColumnType> types = fieldTypes();
    FloatBounds[] floats = new FloatBounds[types.size()];
    for (int i = 0; i < types.size(); i++) {
      ColumnType.Kind kind = types.get(i).kind();
      floats[i] = kind == ColumnType.Kind.FLOAT32 || kind == ColumnType.Kind.FLOAT64 ? new FloatBounds() : null;
    }
    long count = 0;
    long deletes = 0;
    ParquetWriter<Object[]> writer = open(file);
    try (writer; RecordHandOff encoder = new RecordHandOff(writer::write)) {
      while (rows.next()) {
        Object[] record = new Object[columns.size() + 3];
        for (int i = 0; i < columns.size(); i++) {
          DeltaColumn column = columns.get(i);
          record[i] = column.type().read(rows, i + 3, column.name());
          if (floats[i] != null && record[i] != null) {
            floats[i].add(((Number) record[i]).doubleValue());
          }
        }
        String op = rows.getString(2);
        if ("D".equals(op)) {
          deletes++;
        } else if (!"I".equals(op)) {
          throw new IllegalArgumentException("__pgt_op must be 'I' or 'D', not " + op);
        }
        record[columns.size()] = Binary.fromString(op);
        record[columns.size() + 1] = rows.getLong(1);
        record[columns.size() + 2] = refreshId;
        encoder.add(record);
        count++;
      }
      encoder.finish();
    }
    List<ColumnStatistics> statistics = FooterStatistics.of(schema, types, writer.getFooter().getBlocks(), count, floats);
    return new DeltaFile(file, count, deletes, Files.size(file), ParquetFiles.footerSize(file), statistics);
  }

  /** The type of every field of the file: the stream table's columns, then the __pgt_ columns. */
  private List<ColumnType> fieldTypes() {
    List<ColumnType> types = new ArrayList<>();
    layout.columns().forEach(column -> types.add(column.type()));
    types.add(ColumnType.of(ColumnType.Kind.VARCHAR));
    types.add(ColumnType.of(ColumnType.Kind.INT64));
    types.add(ColumnType.of(ColumnType.Kind.INT64));
    return types;
  }

  private ParquetWriter<Object[]> open(Path file) throws IOException {
    return new Builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withCodecFactory(new ZstdCodecFactory())
        .withCompressionCodec(CompressionCodecName.ZSTD).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withDictionaryEncoding(DeltaLayout.ROW_ID, false) // row ids are unique: a dictionary never pays
        .build();
  }

  private final class Builder extends ParquetWriter.Builder<Object[], Builder> {
    Builder(OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
      return new RecordWriteSupport();
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
      return new RecordWriteSupport();
    }
  }

  /** Writes records whose values {@link ColumnType#read} converted, the metadata columns last. */
  private final class RecordWriteSupport extends WriteSupport<Object[]> {
    private RecordConsumer consumer;

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Object[] record) {
      List<DeltaColumn> columns = layout.columns();
      consumer.startMessage();
      for (int i = 0; i < record.length; i++) {
        if (record[i] == null) {
          continue;
        }
        consumer.startField(schema.getFieldName(i), i);
        if (i < columns.size()) {
          columns.get(i).type().write(consumer, record[i]);
        } else if (i == columns.size()) {
          consumer.addBinary((Binary) record[i]);
        } else {
          consumer.addLong((Long) record[i]);
        }
        consumer.endField(schema.getFieldName(i), i);
      }
      consumer.endMessage();
    }
  }
}
