package dev.trickle.engine.model;

/** A subquery (or an inlined CTE) in a FROM clause. */
public record DerivedItem(QueryNode query, String alias) implements FromItem {
  @Override
  public boolean hasColumn(String column) {
    return query.columnNames().contains(column);
  }
}
