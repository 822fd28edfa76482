package dev.trickle.sinks.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every object store does, checked on each implementation. */
abstract class ObjectStoreContract {
  @TempDir Path scratch;

  /** A store on an empty location. */
  abstract ObjectStore store();

  private Path file(String contents) throws IOException {
    return Files.writeString(Files.createTempFile(scratch, "object", ".bin"), contents);
  }

  @Test
  void shouldStoreAndReadBackAnObjectWhole() throws IOException {
    ObjectStore store = store();
    store.put("orders/00000000000000000007.parquet", file("first"));
    assertEquals(Optional.of(5L), store.size("orders/00000000000000000007.parquet"));
    assertArrayEquals("first".getBytes(StandardCharsets.UTF_8), store.get("orders/00000000000000000007.parquet"));
    store.put("orders/00000000000000000007.parquet", file("second!"));
    assertArrayEquals("second!".getBytes(StandardCharsets.UTF_8), store.get("orders/00000000000000000007.parquet"),
        "writing a key again replaces the object");
  }

  @Test
  void shouldListKeysUnderAPrefixInOrder() throws IOException {
    ObjectStore store = store();
    for (String key : List.of("b/2.parquet", "a/1.parquet", "b/1.parquet", "c.parquet")) {
      store.put(key, file(key));
    }
    assertEquals(List.of("b/1.parquet", "b/2.parquet"), store.list("b/"));
    assertEquals(List.of("a/1.parquet", "b/1.parquet", "b/2.parquet", "c.parquet"), store.list(""));
  }

  @Test
  void shouldDeleteAndTellWhatIsMissing() throws IOException {
    ObjectStore store = store();
    store.put("gone.parquet", file("x"));
    store.delete("gone.parquet");
    store.delete("never-there.parquet");
    assertEquals(Optional.empty(), store.size("gone.parquet"));
    assertEquals(List.of(), store.list(""));
  }

  @Test
  void shouldRefuseKeysThatLeaveTheSinkPath() {
    ObjectStore store = store();
    for (String key : List.of("", "/abs.parquet", "../up.parquet", "a//b.parquet", "dir/")) {
      assertThrows(IllegalArgumentException.class, () -> store.size(key), key);
    }
  }
}
