package dev.trickle.node.cluster;

import dev.trickle.catalog.Sql;
import dev.trickle.sharding.database.ClusterDatabase;
import java.time.Duration;
import java.time.Instant;
import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every database this node is alive ({@code pgtrickle.pgt_nodes}, read by health_check()
 * and the dashboard) every few seconds; each heartbeat also raises the alerts of lasting
 * conditions (stale data, growing buffers). Leaving deletes the node's rows.
 */
final class Heartbeat implements AutoCloseable {
  static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final List<ClusterDatabase> databases;
  private final String node;
  private final String httpUrl;
  private final Timestamp startedAt = Timestamp.from(Instant.now());
  private final ScheduledFuture<?> task;

  Heartbeat(List<ClusterDatabase> databases, String node, String httpUrl, ScheduledExecutorService executor) {
    this.databases = List.copyOf(databases);
    this.node = node;
    this.httpUrl = httpUrl;
    this.task = executor.scheduleWithFixedDelay(this::beat, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void beat() {
    for (ClusterDatabase database : databases) {
      try {
        Sql.inTransaction(database.connections(),
            connection -> Sql.call(connection, "SELECT pgtrickle._node_heartbeat(?, ?, ?)", node, httpUrl, startedAt));
      } catch (RuntimeException e) {
        log.debug("heartbeat to {} failed: {}", database, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    task.cancel(false);
    for (ClusterDatabase database : databases) {
      try {
        Sql.inTransaction(database.connections(), connection -> Sql.call(connection, "SELECT pgtrickle._node_left(?)", node));
      } catch (RuntimeException e) {
        log.debug("cannot remove this node from {}: {}", database, e.getMessage());
      }
    }
  }
}
