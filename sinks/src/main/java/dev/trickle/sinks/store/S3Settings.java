package dev.trickle.sinks.store;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach an S3-compatible service. Without an access key, the AWS SDK's default
 * credentials chain is used (environment, profile, instance role). The secret is never shown.
 *
 * @param endpoint the service's URL for S3-compatible servers (MinIO, S3Proxy); empty for AWS
 * @param pathStyle address buckets as {@code endpoint/bucket} rather than {@code bucket.endpoint}
 */
public record S3Settings(Optional<URI> endpoint, String region, boolean pathStyle, Optional<String> accessKeyId,
    Optional<String> secretAccessKey) {
  public S3Settings {
    if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
      throw new IllegalArgumentException("S3 credentials need both an access key id and a secret access key");
    }
    endpoint.ifPresent(url -> {
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
        throw new IllegalArgumentException("S3 endpoint '" + url + "' is not an http:// or https:// URL");
      }
    });
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("S3 region must not be empty");
    }
  }

  /**
   * Settings from the environment: {@code TRICKLE_S3_ENDPOINT}, {@code TRICKLE_S3_REGION} (or
   * {@code AWS_REGION}, default us-east-1), {@code TRICKLE_S3_PATH_STYLE} (true/false; default true
   * when an endpoint is set), {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}.
   */
  public static S3Settings fromEnvironment(Map<String, String> environment) {
    Optional<URI> endpoint = value(environment, "TRICKLE_S3_ENDPOINT").map(text -> {
      try {
        return URI.create(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("TRICKLE_S3_ENDPOINT '" + text + "' is not a URL", e);
      }
    });
    String region = value(environment, "TRICKLE_S3_REGION").or(() -> value(environment, "AWS_REGION")).orElse("us-east-1");
    boolean pathStyle = value(environment, "TRICKLE_S3_PATH_STYLE").map(text -> switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("TRICKLE_S3_PATH_STYLE '" + text + "' is not true or false");
    }).orElse(endpoint.isPresent());
    return new S3Settings(endpoint, region, pathStyle, value(environment, "AWS_ACCESS_KEY_ID"),
        value(environment, "AWS_SECRET_ACCESS_KEY"));
  }

  private static Optional<String> value(Map<String, String> environment, String name) {
    return Optional.ofNullable(environment.get(name)).map(String::strip).filter(text -> !text.isEmpty());
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint=" + endpoint.map(URI::toString).orElse("AWS") + ", region=" + region + ", pathStyle="
        + pathStyle + ", accessKeyId=" + accessKeyId.orElse("(default credentials)")
        + secretAccessKey.map(secret -> ", secretAccessKey=***").orElse("") + "]";
  }
}
