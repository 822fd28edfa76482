package dev.trickle.node.chaos;

/** The faults a chaos run injects. */
enum Fault {
  /** kill -9 of a node while it runs a refresh; started again a few seconds later. */
  KILL("kill -9 mid-refresh"),
  /** SIGSTOP of a node long enough for the others to down it (a long GC pause), then SIGCONT. */
  PAUSE("SIGSTOP/SIGCONT"),
  /** One node's cluster traffic cut at its proxy until the others down it, then healed. */
  PARTITION("network partition"),
  /** PostgreSQL stopped and started again. */
  POSTGRES_RESTART("PostgreSQL restart"),
  /** The S3 server down. */
  S3_OUTAGE("S3 outage"),
  /**
   * A node killed and its stream tables' journal events and snapshots since a moment before
   * deleted, so they recover stale state; the node started again.
   */
  STALE_JOURNAL("stale journal");

  private final String label;

  Fault(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
