package dev.trickle.sharding.coordinator;

import dev.trickle.catalog.StreamTableEdge;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.catalog.StreamTableSource;
import java.util.List;

/** What a coordinator plans from: every stream table of one database and what each reads. */
public record CatalogSnapshot(List<StreamTableInfo> tables, List<StreamTableEdge> edges, List<StreamTableSource> sources) {
  public CatalogSnapshot {
    tables = List.copyOf(tables);
    edges = List.copyOf(edges);
    sources = List.copyOf(sources);
  }
}
