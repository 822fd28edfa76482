package dev.trickle.sharding.runtime;

import dev.trickle.protocol.cluster.CoordinatorProtocol;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent.MemberRemoved;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/** Tells a coordinator {@link CoordinatorProtocol.NodeLeft} whenever a member is removed from the cluster. */
final class MemberWatcher {
  private MemberWatcher() {}

  static Behavior<MemberRemoved> create(ActorRef<CoordinatorProtocol.Command> coordinator) {
    return Behaviors.setup(context -> {
      Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(context.getSelf(), MemberRemoved.class));
      return Behaviors.receiveMessage(removed -> {
        coordinator.tell(CoordinatorProtocol.NodeLeft.INSTANCE);
        return Behaviors.same();
      });
    });
  }
}
