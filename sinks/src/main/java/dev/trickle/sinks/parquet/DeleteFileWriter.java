package dev.trickle.sinks.parquet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes DuckLake position-delete files: one row per deleted row of a data file, with the data
 * file's path ({@code file_path}) and the row's position in it ({@code pos}), in position order.
 */
public final class DeleteFileWriter {
  private static final MessageType SCHEMA = Types.buildMessage()
      .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("file_path")
      .required(PrimitiveTypeName.INT64).named("pos")
      .named("delete");

  /** A written delete file. */
  public record DeleteFile(Path path, long deleteCount, long fileSize, long footerSize) {}

  /**
   * Writes the positions (ascending, distinct) deleted from the data file at
   * {@code dataFilePath} to {@code file}, replacing it.
   */
  public DeleteFile write(String dataFilePath, long[] positions, Path file) throws IOException {
    for (int i = 1; i < positions.length; i++) {
      if (positions[i] <= positions[i - 1]) {
        throw new IllegalArgumentException("delete positions must ascend without repeats: " + positions[i - 1]
            + " then " + positions[i]);
      }
    }
    Files.deleteIfExists(file);
    Binary path = Binary.fromString(dataFilePath);
    try (ParquetWriter<Long> writer = new Builder(new LocalOutputFile(file), path)
        .withConf(new PlainParquetConfiguration()).withCodecFactory(new ZstdCodecFactory())
        .withCompressionCodec(CompressionCodecName.ZSTD).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
      for (long position : positions) {
        writer.write(position);
      }
    }
    return new DeleteFile(file, positions.length, Files.size(file), ParquetFiles.footerSize(file));
  }

  private static final class Builder extends ParquetWriter.Builder<Long, Builder> {
    private final Binary dataFilePath;

    Builder(OutputFile file, Binary dataFilePath) {
      super(file);
      this.dataFilePath = dataFilePath;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Long> getWriteSupport(Configuration conf) {
      return new PositionWriteSupport(dataFilePath);
    }

    @Override
    protected WriteSupport<Long> getWriteSupport(ParquetConfiguration conf) {
      return new PositionWriteSupport(dataFilePath);
    }
  }

  private static final class PositionWriteSupport extends WriteSupport<Long> {
    private final Binary dataFilePath;
    private RecordConsumer consumer;

    PositionWriteSupport(Binary dataFilePath) {
      this.dataFilePath = dataFilePath;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Long position) {
      consumer.startMessage();
      consumer.startField("file_path", 0);
      consumer.addBinary(dataFilePath);
      consumer.endField("file_path", 0);
      consumer.startField("pos", 1);
      consumer.addLong(position);
      consumer.endField("pos", 1);
      consumer.endMessage();
    }
  }
}
