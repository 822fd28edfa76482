package dev.trickle.sinks.parquet;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Zstandard page compression through zstd-jni directly: Parquet's own codec factory would need
 * Hadoop's runtime, which Trickle does not ship.
 */
final class ZstdCodecFactory implements CompressionCodecFactory {
  private static final int LEVEL = 3;

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    requireZstd(codec);
    return new BytesInputCompressor() {
      @Override
      public BytesInput compress(BytesInput bytes) throws IOException {
        return BytesInput.from(Zstd.compress(bytes.toByteArray(), LEVEL));
      }

      @Override
      public CompressionCodecName getCodecName() {
        return CompressionCodecName.ZSTD;
      }

      @Override
      public void release() {}
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    requireZstd(codec);
    return new BytesInputDecompressor() {
      @Override
      public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
        return BytesInput.from(Zstd.decompress(bytes.toByteArray(), uncompressedSize));
      }

      @Override
      public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output,
          int uncompressedSize) throws IOException {
        byte[] compressed = new byte[compressedSize];
        input.get(compressed);
        output.put(Zstd.decompress(compressed, uncompressedSize));
      }

      @Override
      public void release() {}
    };
  }

  @Override
  public void release() {}

  private static void requireZstd(CompressionCodecName codec) {
    if (codec != CompressionCodecName.ZSTD) {
      throw new IllegalArgumentException("only ZSTD pages are written and read here, not " + codec);
    }
  }
}
