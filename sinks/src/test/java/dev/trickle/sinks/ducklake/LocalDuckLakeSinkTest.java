package dev.trickle.sinks.ducklake;

import dev.trickle.sinks.store.LocalObjectStore;
import dev.trickle.sinks.store.ObjectStore;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.io.TempDir;

/** The DuckLake sink writing to a local directory (file:///). */
class LocalDuckLakeSinkTest extends DuckLakeSinkContract {
  @TempDir Path lake;

  @Override
  String sinkPath() {
    return lake.toUri().toString();
  }

  @Override
  ObjectStore openStore(String sinkPath) {
    return new LocalObjectStore(Paths.get(java.net.URI.create(sinkPath)));
  }
}
