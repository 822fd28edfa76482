package dev.trickle.sharding.entity;

import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.catalog.Refresher;
import dev.trickle.catalog.StreamTableCatalog;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.engine.RefreshCompiler;
import dev.trickle.protocol.StreamTableId;
import java.util.List;
import java.util.Optional;

/** A stream table store backed by one database's catalog and refresh driver. Thread-safe. */
public final class JdbcStreamTableStore implements StreamTableStore {
  private final StreamTableCatalog catalog;
  private final Refresher refresher;

  public JdbcStreamTableStore(ConnectionSource connections) {
    this.catalog = new StreamTableCatalog(connections);
    this.refresher = new Refresher(connections, new StreamTableDefinitions(connections, new RefreshCompiler()));
  }

  @Override
  public Optional<StreamTableInfo> read(long id) {
    return catalog.get(new StreamTableId(id));
  }

  @Override
  public RefreshOutcome refresh(List<Long> members) {
    if (members.size() == 1) {
      return refresher.refreshScheduled(new StreamTableId(members.get(0)));
    }
    return refresher.refreshGroup(members.stream().map(StreamTableId::new).toList());
  }

  @Override
  public void suspend(long id, String reason) {
    refresher.suspend(new StreamTableId(id), reason);
  }
}
