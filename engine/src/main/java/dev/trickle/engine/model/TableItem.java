package dev.trickle.engine.model;

import dev.trickle.engine.RelationInfo;
import java.util.Set;

/**
 * A table or stream table read by a block.
 *
 * @param columns the columns the query reads from it (key columns not included)
 */
public record TableItem(RelationInfo relation, String alias, Set<String> columns) implements FromItem {
  public TableItem {
    columns = Set.copyOf(columns);
  }

  @Override
  public boolean hasColumn(String column) {
    return relation.column(column).isPresent();
  }

  /** Whether rows of this relation can be told apart (it has a primary key or is a stream table). */
  public boolean keyed() {
    return !relation.key().isEmpty();
  }
}
