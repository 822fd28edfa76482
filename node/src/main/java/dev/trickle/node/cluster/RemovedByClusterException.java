package dev.trickle.node.cluster;

/**
 * The cluster downed this node before it finished starting (the split brain resolver took a new
 * incarnation for the unreachable old one, or the node was cut off while it joined): like a node
 * removed while running, it must be started again to rejoin.
 */
public final class RemovedByClusterException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  RemovedByClusterException(Throwable cause) {
    super("the cluster removed this node while it started (" + cause.getMessage() + ")", cause);
  }
}
