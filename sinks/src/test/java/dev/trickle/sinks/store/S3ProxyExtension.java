package dev.trickle.sinks.store;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** An {@link S3ProxyServer} with one bucket for a test class: started before its tests, stopped after. */
public final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
  private final String bucket;
  private S3ProxyServer server;

  private S3ProxyExtension(String bucket) {
    this.bucket = bucket;
  }

  public static S3ProxyExtension withBucket(String bucket) {
    return new S3ProxyExtension(bucket);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    server = S3ProxyServer.start();
    server.createBucket(bucket);
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    server.close();
  }

  public S3ProxyServer server() {
    return server;
  }
}
