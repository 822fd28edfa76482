package dev.trickle.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import dev.trickle.protocol.RefreshAction;
import dev.trickle.protocol.cluster.CoordinatorProtocol;
import dev.trickle.protocol.cluster.SinkProtocol;
import dev.trickle.protocol.cluster.StreamTableKey;
import dev.trickle.protocol.cluster.StreamTableProtocol;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/**
 * The types Kryo may write and read, with ids fixed forever: the journal keeps bytes written
 * with them. Add new types at the end with new ids; never renumber or reuse one.
 */
public final class ProtocolTypes {
  private static final Map<Class<?>, Integer> IDS = new LinkedHashMap<>();

  static {
    IDS.put(Instant.class, 20);
    IDS.put(RefreshAction.class, 21);
    IDS.put(StreamTableKey.class, 100);
    IDS.put(StreamTableProtocol.Refresh.class, 101);
    IDS.put(StreamTableProtocol.RefreshGroup.class, 102);
    IDS.put(StreamTableProtocol.Reconcile.class, 103);
    IDS.put(StreamTableProtocol.GetState.class, 104);
    IDS.put(StreamTableProtocol.Passivate.class, 105);
    IDS.put(StreamTableProtocol.Outcome.class, 106);
    IDS.put(StreamTableProtocol.RefreshReply.class, 107);
    IDS.put(StreamTableProtocol.Registered.class, 108);
    IDS.put(StreamTableProtocol.Altered.class, 109);
    IDS.put(StreamTableProtocol.Refreshed.class, 110);
    IDS.put(StreamTableProtocol.Failed.class, 111);
    IDS.put(StreamTableProtocol.Suspended.class, 112);
    IDS.put(StreamTableProtocol.Resumed.class, 113);
    IDS.put(StreamTableProtocol.Dropped.class, 114);
    IDS.put(StreamTableProtocol.Lifecycle.class, 115);
    IDS.put(StreamTableProtocol.State.class, 116);
    IDS.put(CoordinatorProtocol.CatalogChanged.class, 200);
    IDS.put(CoordinatorProtocol.NodeLeft.class, 201);
    IDS.put(SinkProtocol.DeltaAvailable.class, 300);
    IDS.put(SinkProtocol.Delivered.class, 301);
    IDS.put(SinkProtocol.DeliveryFailed.class, 302);
    IDS.put(SinkProtocol.State.class, 303);
  }

  private static final int ACTOR_REF_ID = 30;
  private static final int LIST_ID = 31;

  private ProtocolTypes() {}

  /** The registered protocol classes (not counting the JDK types Kryo registers itself). */
  public static List<Class<?>> registered() {
    return List.copyOf(IDS.keySet());
  }

  /** A Kryo instance that reads and writes exactly the registered types. Not thread-safe. */
  static Kryo newKryo(ActorRefResolver resolver) {
    Kryo kryo = new Kryo(new ProtocolClassResolver(), null);
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    IDS.forEach(kryo::register);
    kryo.register(ActorRef.class, new ActorRefSerializer(resolver), ACTOR_REF_ID);
    kryo.register(List.class, new ListSerializer(), LIST_ID);
    return kryo;
  }

  /** Resolves every typed actor ref and every list implementation to their one registration. */
  private static final class ProtocolClassResolver extends DefaultClassResolver {
    @Override
    public Registration getRegistration(Class type) {
      Registration registration = super.getRegistration(type);
      if (registration != null) {
        return registration;
      }
      if (ActorRef.class.isAssignableFrom(type)) {
        return super.getRegistration(ActorRef.class);
      }
      if (List.class.isAssignableFrom(type)) {
        return super.getRegistration(List.class);
      }
      return null;
    }
  }

  /** An actor ref as its serialization format, resolved on the receiving system. */
  private static final class ActorRefSerializer extends Serializer<ActorRef<?>> {
    private final ActorRefResolver resolver;

    ActorRefSerializer(ActorRefResolver resolver) {
      this.resolver = resolver;
    }

    @Override
    public void write(Kryo kryo, Output output, ActorRef<?> ref) {
      output.writeString(resolver.toSerializationFormat(ref));
    }

    @Override
    public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
      return resolver.resolveActorRef(input.readString());
    }
  }

  /** Any list, read back as an unmodifiable list. */
  private static final class ListSerializer extends Serializer<List<?>> {
    @Override
    public void write(Kryo kryo, Output output, List<?> list) {
      output.writeVarInt(list.size(), true);
      list.forEach(element -> kryo.writeClassAndObject(output, element));
    }

    @Override
    public List<?> read(Kryo kryo, Input input, Class<? extends List<?>> type) {
      int size = input.readVarInt(true);
      List<Object> elements = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        elements.add(kryo.readClassAndObject(input));
      }
      return List.copyOf(elements);
    }
  }
}
