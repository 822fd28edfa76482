package dev.trickle.sharding.runtime;

import dev.trickle.catalog.CatalogException;
import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.protocol.cluster.CoordinatorProtocol;
import dev.trickle.protocol.cluster.StreamTableKey;
import dev.trickle.sharding.coordinator.JdbcCatalogSource;
import dev.trickle.sharding.coordinator.RefreshCoordinator;
import dev.trickle.sharding.database.CatalogListener;
import dev.trickle.sharding.database.ClusterDatabase;
import dev.trickle.sharding.entity.JdbcStreamTableStore;
import dev.trickle.sharding.entity.StreamTableEntity;
import dev.trickle.sharding.entity.StreamTableStore;
import dev.trickle.sharding.sink.JdbcSinkStore;
import dev.trickle.sharding.sink.SinkDispatcher;
import dev.trickle.sharding.sink.SinkEntity;
import dev.trickle.sharding.sink.SinkStore;
import dev.trickle.sinks.store.S3Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The refresh runtime on one node: registers the stream table entities with cluster sharding
 * and a refresh coordinator (a cluster singleton) per database. Every node of a cluster must
 * start it with the same database names.
 */
public final class ClusterRuntime {
  private static final String BLOCKING_DISPATCHER = "trickle.blocking-dispatcher";

  private final Map<String, ActorRef<CoordinatorProtocol.Command>> coordinators;

  private ClusterRuntime(Map<String, ActorRef<CoordinatorProtocol.Command>> coordinators) {
    this.coordinators = coordinators;
  }

  /**
   * Starts the runtime on {@code system}'s node for {@code databases}; sinks write to S3 with
   * {@code s3} and stage files in {@code sinkWorkDirectory}; {@code observer} hears of every
   * refresh and delivery run here.
   */
  public static ClusterRuntime start(ActorSystem<?> system, List<ClusterDatabase> databases, RuntimeSettings settings,
      S3Settings s3, Path sinkWorkDirectory, RuntimeObserver observer) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig(BLOCKING_DISPATCHER));
    Map<String, StreamTableStore> stores = new LinkedHashMap<>();
    Map<String, SinkStore> sinkStores = new LinkedHashMap<>();
    for (ClusterDatabase database : databases) {
      stores.put(database.name(),
          ObservedStores.observe(new JdbcStreamTableStore(database.connections()), database.name(), observer));
      sinkStores.put(database.name(), ObservedStores.observe(
          new JdbcSinkStore(database.connections(), s3, sinkWorkDirectory), database.name(), observer));
    }
    ClusterSharding sharding = ClusterSharding.get(system);
    StreamTableEntity.init(system, name -> stores.getOrDefault(name, new UnknownDatabaseStore(name)), settings.entity(),
        blocking, key -> sharding.entityRefFor(SinkEntity.ENTITY_TYPE_KEY, key.entityId()));
    SinkEntity.init(system, name -> Optional.ofNullable(sinkStores.get(name)).orElseThrow(() -> new IllegalStateException(
        "database '" + name + "' is not configured on this node; every node needs the same databases")),
        settings.sinkBackoff(), blocking);
    Map<String, ActorRef<CoordinatorProtocol.Command>> coordinators = new LinkedHashMap<>();
    for (ClusterDatabase database : databases) {
      Behavior<CoordinatorProtocol.Command> coordinator = RefreshCoordinator.create(database.name(),
          new JdbcCatalogSource(database.connections()),
          (StreamTableKey key) -> sharding.entityRefFor(StreamTableEntity.ENTITY_TYPE_KEY, key.entityId()),
          context -> watch(database, context, sinkStores.get(database.name()), settings, blocking),
          settings.coordinator(), blocking);
      coordinators.put(database.name(), ClusterSingleton.get(system).init(SingletonActor.of(
          Behaviors.supervise(coordinator).onFailure(SupervisorStrategy.restartWithBackoff(
              Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
          "refresh-coordinator-" + database.name())));
    }
    return new ClusterRuntime(coordinators);
  }

  /**
   * Starts telling a coordinator about catalog notifications and nodes leaving, and the sink
   * dispatcher; the member watcher and the dispatcher are the coordinator's children, so they
   * stop with it.
   */
  private static AutoCloseable watch(ClusterDatabase database, ActorContext<CoordinatorProtocol.Command> coordinator,
      SinkStore sinks, RuntimeSettings settings, Executor blocking) {
    coordinator.spawn(MemberWatcher.create(coordinator.getSelf()), "member-watcher");
    ClusterSharding sharding = ClusterSharding.get(coordinator.getSystem());
    coordinator.spawn(SinkDispatcher.create(database.name(), sinks,
        key -> sharding.entityRefFor(SinkEntity.ENTITY_TYPE_KEY, key.entityId()), settings.sinkPollInterval(), blocking),
        "sink-dispatcher");
    return CatalogListener.start(database, () -> coordinator.getSelf().tell(CoordinatorProtocol.CatalogChanged.INSTANCE),
        Duration.ofSeconds(1));
  }

  /** The proxies of the databases' coordinators, by database name. */
  public Map<String, ActorRef<CoordinatorProtocol.Command>> coordinators() {
    return coordinators;
  }

  /** The store of a database this node has no configuration for: every call says so. */
  private record UnknownDatabaseStore(String name) implements StreamTableStore {
    private CatalogException unknown() {
      return new CatalogException("database '" + name + "' is not configured on this node; every node needs the same databases");
    }

    @Override
    public Optional<StreamTableInfo> read(long id) {
      throw unknown();
    }

    @Override
    public RefreshOutcome refresh(List<Long> members) {
      return new RefreshOutcome.Failed(unknown().getMessage(), true);
    }

    @Override
    public void suspend(long id, String reason) {
      throw unknown();
    }
  }
}
