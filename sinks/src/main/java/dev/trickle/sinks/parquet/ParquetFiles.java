package dev.trickle.sinks.parquet;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Facts about written Parquet files that a DuckLake catalog records. */
final class ParquetFiles {
  private ParquetFiles() {}

  /** The footer's length: a Parquet file ends with it (4 bytes, little-endian) and "PAR1". */
  static long footerSize(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      byte[] tail = new byte[8];
      raf.seek(raf.length() - 8);
      raf.readFully(tail);
      return ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    }
  }
}
