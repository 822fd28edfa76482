package dev.trickle.node.cluster;

import dev.trickle.sharding.database.ClusterDatabase;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Pekko Management readiness check ({@code /ready}): the node is ready once its runtime
 * started, the actor journal's tables exist, and every database answers. A node whose
 * database is down stays up and reports not ready until the database is back.
 */
public final class DatabaseReadiness implements Supplier<CompletionStage<Boolean>> {
  private final NodeState state;

  public DatabaseReadiness(ActorSystem system) {
    this.state = NodeState.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    List<ClusterDatabase> databases = state.databases();
    return CompletableFuture.supplyAsync(() -> !databases.isEmpty() && state.isJournalReady()
        && databases.stream().allMatch(ClusterDatabase::reachable));
  }
}
