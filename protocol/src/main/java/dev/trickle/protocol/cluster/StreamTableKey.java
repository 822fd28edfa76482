package dev.trickle.protocol.cluster;

/**
 * A stream table anywhere in the cluster: the installation id of the database's pgtrickle
 * catalog (the same whatever URL a node uses to reach it) and the stream table's pgt_id there.
 * Its {@link #entityId()} keys the stream table's sharded entity.
 */
public record StreamTableKey(String database, long id) implements ClusterMessage {
  private static final char SEPARATOR = ':';

  public StreamTableKey {
    if (database == null || database.isEmpty() || database.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException("database id must be non-empty and without '" + SEPARATOR + "', got " + database);
    }
    if (id <= 0) {
      throw new IllegalArgumentException("stream table id must be positive, got " + id);
    }
  }

  /** The sharding entity id, {@code database:id}. */
  public String entityId() {
    return database + SEPARATOR + id;
  }

  /**
   * The key an entity id stands for.
   *
   * @throws IllegalArgumentException if the text is not {@code database:id}
   */
  public static StreamTableKey parse(String entityId) {
    int separator = entityId.lastIndexOf(SEPARATOR);
    if (separator <= 0) {
      throw new IllegalArgumentException("not a stream table entity id: " + entityId);
    }
    try {
      return new StreamTableKey(entityId.substring(0, separator), Long.parseLong(entityId.substring(separator + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a stream table entity id: " + entityId, e);
    }
  }

  @Override
  public String toString() {
    return entityId();
  }
}
