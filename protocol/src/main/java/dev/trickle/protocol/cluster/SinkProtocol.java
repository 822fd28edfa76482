package dev.trickle.protocol.cluster;

/**
 * The protocol of a sink entity: one per stream table sink, sharded by {@link StreamTableKey}.
 * It delivers the stream table's refresh deltas in refresh order; the sink frontier in the
 * catalog is the truth, its journal records what it delivered and its failures.
 */
public final class SinkProtocol {
  private SinkProtocol() {}

  /** What a sink entity is told. Not sealed: the entity adds private messages of its own. */
  public interface Command extends ClusterMessage {}

  /** Refresh deltas may be waiting: deliver them (a hint; idempotent). */
  public enum DeltaAvailable implements Command { INSTANCE }

  /** What a sink entity persists. */
  public interface Event extends ClusterMessage {}

  /** A refresh's delta was delivered and registered as a DuckLake snapshot. */
  public record Delivered(long refreshId, long snapshotId, long rows) implements Event {}

  /** A delivery failed; it is retried after a backoff. */
  public record DeliveryFailed(String message) implements Event {}

  /**
   * A sink entity's durable state.
   *
   * @param deliveredRefreshId the last refresh it delivered (0: none yet)
   * @param consecutiveFailures failed deliveries since the last success
   */
  public record State(long deliveredRefreshId, int consecutiveFailures) implements ClusterMessage {
    public static final State EMPTY = new State(0, 0);
  }
}
