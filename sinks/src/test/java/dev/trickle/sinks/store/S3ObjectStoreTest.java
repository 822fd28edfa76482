package dev.trickle.sinks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The S3 store against a real S3-compatible server (S3Proxy in a child process). */
class S3ObjectStoreTest extends ObjectStoreContract {
  @RegisterExtension static final S3ProxyExtension s3 = S3ProxyExtension.withBucket("lake");

  @Override
  ObjectStore store() {
    return ObjectStores.open("s3://lake/" + UUID.randomUUID() + "/", s3.server().settings());
  }

  @Test
  void shouldNameObjectsByS3Urls() {
    ObjectStore store = ObjectStores.open("s3://lake/analytics/top_players/", s3.server().settings());
    assertEquals("s3://lake/analytics/top_players/00000000000000000042.parquet",
        store.url("00000000000000000042.parquet"));
  }

  @Test
  void shouldCallAnUnreachableServerTransient() {
    S3Settings nowhere = new S3Settings(Optional.of(java.net.URI.create("http://127.0.0.1:1")), "us-east-1", true,
        Optional.of("a"), Optional.of("b"));
    try (ObjectStore store = ObjectStores.open("s3://lake/x/", nowhere)) {
      ObjectStoreException failure = assertThrows(ObjectStoreException.class, () -> store.size("k.parquet"));
      assertTrue(failure.isTransient(), failure.getMessage());
      assertTrue(failure.getMessage().startsWith("cannot look up s3://lake/x/k.parquet"), failure.getMessage());
    }
  }

  @Test
  void shouldCallWrongCredentialsAndMissingBucketsPermanent() {
    S3Settings wrong = new S3Settings(Optional.of(s3.server().endpoint()), "us-east-1", true, Optional.of("intruder"),
        Optional.of("guess"));
    try (ObjectStore store = ObjectStores.open("s3://lake/x/", wrong)) {
      ObjectStoreException denied = assertThrows(ObjectStoreException.class, () -> store.list(""));
      assertFalse(denied.isTransient(), denied.getMessage());
      assertTrue(denied.getMessage().contains("HTTP 403"), denied.getMessage());
    }
    try (ObjectStore store = ObjectStores.open("s3://no-such-bucket/x/", s3.server().settings())) {
      ObjectStoreException missing = assertThrows(ObjectStoreException.class, () -> store.list(""));
      assertFalse(missing.isTransient(), missing.getMessage());
    }
  }
}
