package dev.trickle.sinks.ducklake;

import dev.trickle.sinks.store.ObjectStore;
import dev.trickle.sinks.store.ObjectStores;
import dev.trickle.sinks.store.S3ProxyExtension;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The DuckLake sink writing to an S3-compatible server (S3Proxy in a child process). */
class S3DuckLakeSinkTest extends DuckLakeSinkContract {
  @RegisterExtension static final S3ProxyExtension s3 = S3ProxyExtension.withBucket("lake");

  @Override
  String sinkPath() {
    return "s3://lake/" + UUID.randomUUID() + "/";
  }

  @Override
  ObjectStore openStore(String sinkPath) {
    return ObjectStores.open(sinkPath, s3.server().settings());
  }
}
