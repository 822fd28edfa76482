package dev.trickle.node.cluster;

import dev.trickle.sharding.database.ClusterDatabase;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What a node's health checks ask about: its databases and whether the actor journal's tables
 * exist. One per actor system; written once at start and by the journal's background setup.
 */
public final class NodeState implements Extension {
  private static final ExtensionId<NodeState> ID = new ExtensionId<>() {
    @Override
    public NodeState createExtension(ActorSystem<?> system) {
      return new NodeState();
    }
  };

  private volatile List<ClusterDatabase> databases = List.of();
  private volatile boolean journalReady;

  private NodeState() {}

  public static NodeState get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  void started(List<ClusterDatabase> databases) {
    this.databases = List.copyOf(databases);
  }

  void journalReady() {
    this.journalReady = true;
  }

  /** The node's databases (empty until the runtime started). */
  public List<ClusterDatabase> databases() {
    return databases;
  }

  /** Whether the actor journal's tables exist. */
  public boolean isJournalReady() {
    return journalReady;
  }
}
