package dev.trickle.protocol.cluster;

/** The protocol of a database's refresh coordinator (a cluster singleton). */
public final class CoordinatorProtocol {
  private CoordinatorProtocol() {}

  /**
   * What a coordinator is told. Not sealed: the coordinator adds private messages of its own,
   * which never leave its node.
   */
  public interface Command extends ClusterMessage {}

  /** The catalog changed (a NOTIFY arrived): reload it now rather than at the next scan. */
  public enum CatalogChanged implements Command { INSTANCE }

  /**
   * A node left or was removed from the cluster: refreshes asked of entities it ran will not be
   * answered, so ask again now rather than after the ask timeout.
   */
  public enum NodeLeft implements Command { INSTANCE }
}
