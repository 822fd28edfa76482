package dev.trickle.engine;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A relation a defining query reads.
 *
 * @param oid its pg_class oid (the change buffer is {@code pgtrickle_changes.changes_<oid>})
 * @param key the columns identifying a row: the primary key (or a unique index on NOT NULL
 *     columns) of a table, {@code __pgt_row_id} of a stream table; empty when there is none
 */
public record RelationInfo(long oid, String schema, String name, Kind kind, List<ColumnInfo> columns, List<String> key) {
  /** What kind of relation it is. */
  public enum Kind { TABLE, STREAM_TABLE, VIEW, MATERIALIZED_VIEW, FOREIGN_TABLE }

  public RelationInfo {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
    key = List.copyOf(key);
  }

  /** The column with this name, if any. */
  public Optional<ColumnInfo> column(String column) {
    return columns.stream().filter(c -> c.name().equals(column)).findFirst();
  }

  /** schema.name as PostgreSQL prints it. */
  public String qualifiedName() {
    return Sql.identifier(schema) + "." + Sql.identifier(name);
  }
}
