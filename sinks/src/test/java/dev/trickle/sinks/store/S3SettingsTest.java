package dev.trickle.sinks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
  /** No endpoint and no credentials: AWS with the default credentials chain. */
  static final S3Settings NONE = S3Settings.fromEnvironment(Map.of());

  @Test
  void shouldReadTheEnvironment() {
    S3Settings settings = S3Settings.fromEnvironment(Map.of("TRICKLE_S3_ENDPOINT", "http://minio:9000",
        "AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "minio", "AWS_SECRET_ACCESS_KEY", "minio-secret"));
    assertEquals(Optional.of(URI.create("http://minio:9000")), settings.endpoint());
    assertEquals("eu-west-1", settings.region());
    assertTrue(settings.pathStyle(), "an endpoint means path-style unless told otherwise");
    assertEquals("us-east-1", NONE.region());
    assertFalse(NONE.pathStyle());
  }

  @Test
  void shouldNeverShowTheSecret() {
    S3Settings settings = S3Settings.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "minio",
        "AWS_SECRET_ACCESS_KEY", "minio-secret"));
    assertFalse(settings.toString().contains("minio-secret"), settings.toString());
    assertTrue(settings.toString().contains("accessKeyId=minio"), settings.toString());
  }

  @Test
  void shouldRefuseSettingsThatCannotWork() {
    assertThrows(IllegalArgumentException.class, () -> S3Settings.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "x")));
    IllegalArgumentException style = assertThrows(IllegalArgumentException.class,
        () -> S3Settings.fromEnvironment(Map.of("TRICKLE_S3_PATH_STYLE", "maybe")));
    assertTrue(style.getMessage().contains("'maybe'"), style.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> S3Settings.fromEnvironment(Map.of("TRICKLE_S3_ENDPOINT", "minio:9000")));
  }

  @Test
  void shouldRefuseSinkPathsThatNameNoPlace() {
    for (String path : new String[] {"s3:///prefix/", "s3://Bad_Bucket/x/", "s3://bucket/no-slash", "ftp://host/x/",
        "file://relative/dir/", "not a url"}) {
      assertThrows(IllegalArgumentException.class, () -> ObjectStores.open(path, NONE), path);
    }
  }
}
