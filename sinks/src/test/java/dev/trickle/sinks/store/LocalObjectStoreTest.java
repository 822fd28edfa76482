package dev.trickle.sinks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalObjectStoreTest extends ObjectStoreContract {
  @Override
  ObjectStore store() {
    return new LocalObjectStore(scratch.resolve("sink"));
  }

  @Test
  void shouldNameObjectsByFileUrlsUnderItsDirectory() {
    ObjectStore store = ObjectStores.open(scratch.resolve("lake").toUri().toString(), S3SettingsTest.NONE);
    assertEquals(scratch.resolve("lake").resolve("t/1.parquet").toUri().toString(), store.url("t/1.parquet"));
  }

  @Test
  void shouldLeaveNoPartialFileBehind() throws IOException {
    ObjectStore store = store();
    store.put("t/1.parquet", Files.writeString(scratch.resolve("one"), "1"));
    try (var files = Files.walk(scratch.resolve("sink"))) {
      assertTrue(files.filter(Files::isRegularFile).map(Path::getFileName).map(Path::toString)
          .allMatch("1.parquet"::equals));
    }
  }
}
