package dev.trickle.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer for every {@link dev.trickle.protocol.cluster.ClusterMessage}: Kryo with
 * registration required, so bytes from the wire or the journal can only ever become one of the
 * registered protocol types. Thread-safe (Kryo instances are pooled).
 */
public final class KryoSerializer extends JSerializer {
  /** This serializer's id in Pekko's serialization registry; never change it (the journal holds it). */
  public static final int IDENTIFIER = 7_311_001;

  private final Pool<Kryo> pool;

  public KryoSerializer(ExtendedActorSystem system) {
    ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
    this.pool = new Pool<>(true, false, 32) {
      @Override
      protected Kryo create() {
        return ProtocolTypes.newKryo(resolver);
      }
    };
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object message) {
    Kryo kryo = pool.obtain();
    try (Output output = new Output(256, -1)) {
      kryo.writeClassAndObject(output, message);
      return output.toBytes();
    } finally {
      pool.free(kryo);
    }
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    Kryo kryo = pool.obtain();
    try (Input input = new Input(bytes)) {
      return kryo.readClassAndObject(input);
    } finally {
      pool.free(kryo);
    }
  }
}
