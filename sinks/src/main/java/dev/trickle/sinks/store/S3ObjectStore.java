package dev.trickle.sinks.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3 bucket under a prefix ({@code s3://bucket/prefix/}), on AWS or an
 * S3-compatible server (MinIO, S3Proxy). An object appears whole when its upload completes.
 */
public final class S3ObjectStore implements ObjectStore {
  private final S3Client client;
  private final String bucket;
  private final String prefix;

  /**
   * A store for {@code bucket} and {@code prefix} (empty, or ending in '/').
   *
   * @throws IllegalArgumentException when the bucket name or prefix cannot be used
   */
  public S3ObjectStore(S3Settings settings, String bucket, String prefix) {
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("'" + bucket + "' is not a valid S3 bucket name");
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("S3 prefix '" + prefix + "' must end with '/'");
    }
    this.bucket = bucket;
    this.prefix = prefix;
    S3ClientBuilder builder = S3Client.builder().region(Region.of(settings.region()))
        .forcePathStyle(settings.pathStyle())
        .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(30)))
        .credentialsProvider(settings.accessKeyId().isPresent()
            ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId().get(),
                settings.secretAccessKey().orElseThrow()))
            : DefaultCredentialsProvider.builder().build());
    settings.endpoint().ifPresent(endpoint -> builder.endpointOverride(endpoint)
        // S3-compatible servers (MinIO, S3Proxy) may not know the newer streaming checksums.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED));
    this.client = builder.build();
  }

  private String objectKey(String key) {
    return prefix + Keys.checked(key);
  }

  @Override
  public void put(String key, Path file) {
    call("upload " + url(key), () -> client.putObject(request -> request.bucket(bucket).key(objectKey(key)),
        RequestBody.fromFile(file)));
  }

  @Override
  public Optional<Long> size(String key) {
    return call("look up " + url(key), () -> {
      try {
        return Optional.of(client.headObject(request -> request.bucket(bucket).key(objectKey(key))).contentLength());
      } catch (NoSuchKeyException e) {
        return Optional.empty();
      } catch (S3Exception e) {
        if (e.statusCode() == 404) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  @Override
  public byte[] get(String key) {
    return call("download " + url(key),
        () -> client.getObjectAsBytes(request -> request.bucket(bucket).key(objectKey(key))).asByteArray());
  }

  @Override
  public List<String> list(String keyPrefix) {
    return call("list " + url(keyPrefix.isEmpty() ? "" : keyPrefix),
        () -> client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix + keyPrefix)).contents()
            .stream().map(S3Object::key).filter(key -> !key.endsWith("/")) // folder markers some servers show
            .map(key -> key.substring(prefix.length())).sorted().toList());
  }

  @Override
  public void delete(String key) {
    call("delete " + url(key), () -> client.deleteObject(request -> request.bucket(bucket).key(objectKey(key))));
  }

  @Override
  public String url(String key) {
    return "s3://" + bucket + "/" + prefix + key;
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }

  private static <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (S3Exception e) {
      int status = e.statusCode();
      boolean retryable = status >= 500 || status == 429 || status == 408;
      String reason = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      throw new ObjectStoreException("cannot " + what + ": HTTP " + status + " " + reason, retryable, e);
    } catch (SdkClientException e) {
      throw new ObjectStoreException("cannot " + what + ": " + e.getMessage(), true, e);
    } catch (SdkException e) {
      throw new ObjectStoreException("cannot " + what + ": " + e.getMessage(), e.retryable(), e);
    }
  }
}
