package dev.trickle.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A private PostgreSQL 18 server started from binaries bundled in the jar (no installation
 * needed, also when running as root). Used by tests and by {@code trickle demo} when no
 * database is given. Closing it stops the server.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final String SUPERUSER = "postgres";

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
    this.server = server;
  }

  /**
   * Starts a server on {@code port} (0 picks a free one) with its data in {@code dataDirectory}
   * (null for a fresh temporary directory that is removed on close). With
   * {@code stopOnJvmExit} the server is also stopped by a JVM shutdown hook; callers that stop
   * it themselves during shutdown pass false so it outlives their own cleanup.
   */
  public static EmbeddedPostgres start(int port, Path dataDirectory, boolean stopOnJvmExit) {
    try {
      var builder =
          io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
              .setRegisterShutdownHook(stopOnJvmExit)
              .setServerConfig("max_connections", "300")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off");
      if (port != 0) {
        builder.setPort(port);
      }
      if (dataDirectory != null) {
        builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      }
      return new EmbeddedPostgres(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  /** The port the server listens on (localhost). */
  public int port() {
    return server.getPort();
  }

  /** A URL for a database on this server, connecting as the superuser. */
  public DatabaseUrl url(String database) {
    return DatabaseUrl.of(
        "jdbc:postgresql://localhost:" + port() + "/" + database, SUPERUSER, null);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop embedded PostgreSQL: " + e.getMessage(), e);
    }
  }
}
