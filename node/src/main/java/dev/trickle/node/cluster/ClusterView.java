package dev.trickle.node.cluster;

import dev.trickle.catalog.StreamTableCatalog;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.protocol.cluster.StreamTableKey;
import dev.trickle.sharding.database.ClusterDatabase;
import dev.trickle.sharding.entity.StreamTableEntity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion.ClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;

/** The cluster as the API shows it: members, which node owns which stream table, leaving. */
public final class ClusterView {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A cluster member. */
  public record MemberInfo(String node, String status, boolean leader, boolean self) {}

  /**
   * A stream table and the node whose shard region owns its entity.
   *
   * @param node the owner's address, or null while its shard is not allocated (the entity has
   *     not been needed since the last rebalance)
   */
  public record ShardInfo(String database, long id, String streamTable, String shard, String node) {}

  private final ActorSystem<?> system;
  private final List<ClusterDatabase> databases;
  private final HashCodeMessageExtractor<Object> shards;

  public ClusterView(ActorSystem<?> system, List<ClusterDatabase> databases) {
    this.system = system;
    this.databases = List.copyOf(databases);
    this.shards = new HashCodeMessageExtractor<>(
        system.settings().config().getInt("pekko.cluster.sharding.number-of-shards"));
  }

  /** The members as this node sees them. */
  public List<MemberInfo> members() {
    Cluster cluster = Cluster.get(system);
    Address leader = cluster.state().getLeader();
    Address self = cluster.selfMember().address();
    List<MemberInfo> members = new ArrayList<>();
    for (Member member : StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .sorted(Comparator.comparing(m -> m.address().toString())).toList()) {
      members.add(new MemberInfo(member.address().toString(), member.status().toString(),
          member.address().equals(leader), member.address().equals(self)));
    }
    return members;
  }

  /** Every stream table of every database with the node that owns it, from the cluster's shard allocation. */
  public CompletionStage<List<ShardInfo>> shards() {
    CompletionStage<ClusterShardingStats> stats = AskPattern.ask(ClusterSharding.get(system).shardState(),
        replyTo -> new GetClusterShardingStats(StreamTableEntity.ENTITY_TYPE_KEY, TIMEOUT, replyTo), TIMEOUT,
        system.scheduler());
    return stats.thenApplyAsync(this::describe);
  }

  private List<ShardInfo> describe(ClusterShardingStats stats) {
    Map<String, String> owners = new HashMap<>();
    stats.getRegions().forEach((address, region) -> region.getStats().keySet()
        .forEach(shard -> owners.put(shard, address.toString())));
    List<ShardInfo> result = new ArrayList<>();
    for (ClusterDatabase database : databases) {
      for (StreamTableInfo table : new StreamTableCatalog(database.connections()).list()) {
        String shard = shards.shardId(new StreamTableKey(database.name(), table.id().value()).entityId());
        result.add(new ShardInfo(database.name(), table.id().value(), table.displayName(), shard, owners.get(shard)));
      }
    }
    result.sort(Comparator.comparing(ShardInfo::database).thenComparingLong(ShardInfo::id));
    return result;
  }

  /**
   * Asks a member to leave the cluster gracefully (its stream tables move to other nodes).
   *
   * @param node a member's address ({@code pekko://trickle@host:port}) or {@code host:port}
   * @throws IllegalArgumentException if no member has that address
   */
  public String leave(String node) {
    Cluster cluster = Cluster.get(system);
    Member member = StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(m -> m.address().toString().equals(node) || m.address().toString().endsWith("@" + node))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no cluster member " + node + "; members: "
            + members().stream().map(MemberInfo::node).toList()));
    cluster.manager().tell(Leave.create(member.address()));
    return member.address().toString();
  }
}
