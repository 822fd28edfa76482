package dev.trickle.sharding.sink;

import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.Sql;
import dev.trickle.sinks.ducklake.Delivery;
import dev.trickle.sinks.ducklake.SinkDelivery;
import dev.trickle.sinks.store.ObjectStores;
import dev.trickle.sinks.store.S3Settings;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A database's sinks, delivering through {@link SinkDelivery}. Thread-safe. */
public final class JdbcSinkStore implements SinkStore {
  private final ConnectionSource connections;
  private final SinkDelivery delivery;

  /**
   * @param s3 the S3 settings every s3:// sink path is opened with
   * @param workDirectory where delta files are written before they are uploaded
   */
  public JdbcSinkStore(ConnectionSource connections, S3Settings s3, Path workDirectory) {
    this.connections = connections;
    this.delivery = new SinkDelivery(connections, path -> ObjectStores.open(path, s3), workDirectory);
  }

  @Override
  public Optional<Delivery> deliverNext(long pgtId) {
    return delivery.deliverNext(pgtId);
  }

  @Override
  public void recordFailure(long pgtId, String message) {
    Sql.inTransaction(connections, connection -> Sql.call(connection, "SELECT pgtrickle._sink_failed(?, ?)", pgtId,
        message));
  }

  @Override
  public List<Long> pending() {
    return Sql.inTransaction(connections, connection -> {
      List<Long> pending = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement("SELECT k.pgt_id FROM pgtrickle.pgt_sinks k "
               + "WHERE k.ducklake_table_id IS NULL OR EXISTS (SELECT 1 FROM pgtrickle._undelivered_refreshes(k.pgt_id))");
           ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          pending.add(row.getLong(1));
        }
      }
      return pending;
    });
  }
}
