package dev.trickle.sinks.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Opens the object store a sink path names. */
public final class ObjectStores {
  private ObjectStores() {}

  /**
   * The store for {@code sinkPath}: {@code s3://bucket/prefix/} (S3 or a compatible server, as
   * {@code s3} says) or {@code file:///absolute/dir/}.
   *
   * @throws IllegalArgumentException naming what is wrong with the path
   */
  public static ObjectStore open(String sinkPath, S3Settings s3) {
    URI url;
    try {
      url = new URI(sinkPath);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("sink path '" + sinkPath + "' is not a URL: " + e.getReason(), e);
    }
    if ("s3".equals(url.getScheme())) {
      String bucket = url.getAuthority();
      if (bucket == null || bucket.isEmpty()) {
        throw new IllegalArgumentException("sink path '" + sinkPath + "' names no bucket (s3://bucket/prefix/)");
      }
      String prefix = url.getPath() == null ? "" : url.getPath().replaceFirst("^/", "");
      if (!prefix.isEmpty() && !prefix.endsWith("/")) {
        throw new IllegalArgumentException("sink path '" + sinkPath + "' must end with '/'");
      }
      return new S3ObjectStore(s3, bucket, prefix);
    }
    if ("file".equals(url.getScheme())) {
      if (url.getAuthority() != null || url.getPath() == null || !url.getPath().startsWith("/")) {
        throw new IllegalArgumentException("sink path '" + sinkPath + "' must be file:///absolute/directory/");
      }
      return new LocalObjectStore(Path.of(url));
    }
    throw new IllegalArgumentException("sink path '" + sinkPath + "' must start with s3:// or file:///");
  }
}
