package dev.trickle.protocol.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.protocol.RefreshAction;
import dev.trickle.protocol.cluster.CoordinatorProtocol;
import dev.trickle.protocol.cluster.StreamTableKey;
import dev.trickle.protocol.cluster.StreamTableProtocol;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class KryoSerializerTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object message) {
    byte[] bytes = serialization.serialize(message).get();
    var serializer = serialization.findSerializerFor(message);
    assertEquals(KryoSerializer.IDENTIFIER, serializer.identifier(), "serializer of " + message);
    return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
  }

  @Test
  void shouldRoundTripEveryKindOfProtocolMessage() {
    TestProbe<StreamTableProtocol.RefreshReply> replies = testKit.createTestProbe();
    TestProbe<StreamTableProtocol.State> states = testKit.createTestProbe();
    StreamTableKey key = new StreamTableKey("6f1c2d3e-0000-4000-8000-000000000001", 42);
    Instant at = Instant.parse("2026-11-21T12:00:00.123456Z");
    List<Object> messages = List.of(
        key,
        new StreamTableProtocol.Refresh(7, replies.ref()),
        new StreamTableProtocol.RefreshGroup(7, List.of(3L, 5L), replies.ref()),
        StreamTableProtocol.Reconcile.INSTANCE,
        new StreamTableProtocol.GetState(states.ref()),
        StreamTableProtocol.Passivate.INSTANCE,
        new StreamTableProtocol.RefreshReply(key, 7, StreamTableProtocol.Outcome.FAILED, at, "boom"),
        new StreamTableProtocol.RefreshReply(key, 7, StreamTableProtocol.Outcome.CHANGED, null, null),
        new StreamTableProtocol.Registered(3, at),
        new StreamTableProtocol.Altered(4, at),
        new StreamTableProtocol.Refreshed(99, RefreshAction.DIFFERENTIAL, 12, at),
        new StreamTableProtocol.Failed("deadlock", false, at, at),
        new StreamTableProtocol.Suspended("3 consecutive failures", at),
        new StreamTableProtocol.Resumed(at),
        new StreamTableProtocol.Dropped(at),
        StreamTableProtocol.State.initial().apply(new StreamTableProtocol.Registered(3, at)),
        CoordinatorProtocol.CatalogChanged.INSTANCE,
        CoordinatorProtocol.NodeLeft.INSTANCE);
    for (Object message : messages) {
      assertEquals(message, roundTrip(message));
    }
  }

  @Test
  void shouldResolveActorRefsBackToTheSameActor() {
    TestProbe<StreamTableProtocol.RefreshReply> replies = testKit.createTestProbe();
    var refresh = (StreamTableProtocol.Refresh) roundTrip(new StreamTableProtocol.Refresh(1, replies.ref()));
    StreamTableKey key = new StreamTableKey("db", 1);
    refresh.replyTo().tell(new StreamTableProtocol.RefreshReply(key, 1, StreamTableProtocol.Outcome.UNCHANGED, null, null));
    assertEquals(StreamTableProtocol.Outcome.UNCHANGED, replies.receiveMessage().outcome());
  }

  @Test
  void shouldRefuseToReadTypesThatWereNeverRegistered() {
    KryoSerializer serializer = (KryoSerializer) serialization.findSerializerFor(new StreamTableKey("db", 1));
    byte[] forged = new byte[] {(byte) 250, 3, 0};
    RuntimeException error = assertThrows(RuntimeException.class, () -> serializer.fromBinary(forged));
    assertTrue(error.getMessage().contains("Encountered unregistered class ID"), error.getMessage());
  }
}
