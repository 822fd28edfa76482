package dev.trickle.sharding.database;

import dev.trickle.postgres.DatabaseUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the {@code pgtrickle_catalog} channel of one database on its own connection and
 * thread, and calls {@code onChange} for every batch of notifications (stream tables created,
 * altered, compiled, dropped). Reconnects after the connection fails. Stopped by {@link #close()}.
 */
public final class CatalogListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatalogListener.class);
  private static final int POLL_MILLIS = 500;

  private final DatabaseUrl url;
  private final Runnable onChange;
  private final Duration reconnectDelay;
  private final Thread thread;
  private volatile boolean running = true;

  private CatalogListener(DatabaseUrl url, Runnable onChange, Duration reconnectDelay, String name) {
    this.url = url;
    this.onChange = onChange;
    this.reconnectDelay = reconnectDelay;
    this.thread = new Thread(this::run, "trickle-catalog-listener-" + name);
    this.thread.setDaemon(true);
  }

  /** Starts listening to {@code database}; {@code onChange} runs on the listener's thread. */
  public static CatalogListener start(ClusterDatabase database, Runnable onChange, Duration reconnectDelay) {
    CatalogListener listener = new CatalogListener(database.url(), onChange, reconnectDelay, database.name());
    listener.thread.start();
    return listener;
  }

  private void run() {
    while (running) {
      try (Connection connection = url.connect(); Statement statement = connection.createStatement()) {
        statement.execute("LISTEN pgtrickle_catalog");
        onChange.run();
        PGConnection notifications = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] received = notifications.getNotifications(POLL_MILLIS);
          if (received != null && received.length > 0) {
            onChange.run();
          }
        }
      } catch (SQLException e) {
        if (running) {
          log.warn("catalog notifications from {} interrupted, reconnecting in {}: {}", url, reconnectDelay, e.getMessage());
          sleep(reconnectDelay);
        }
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
