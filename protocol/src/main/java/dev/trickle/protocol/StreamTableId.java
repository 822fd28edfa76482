package dev.trickle.protocol;

/**
 * Identity of a stream table: its {@code pgt_id} in the catalog of one database. Cluster
 * entities are keyed by it, so it never changes for the life of the stream table.
 */
public record StreamTableId(long value) {
  public StreamTableId {
    if (value <= 0) {
      throw new IllegalArgumentException("stream table id must be positive, got " + value);
    }
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
