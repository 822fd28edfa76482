package dev.trickle.engine.model;

/** A relation in a FROM clause, under its alias. */
public sealed interface FromItem permits TableItem, DerivedItem, LateralItem {
  String alias();

  /** Whether the item has a column of this name. */
  boolean hasColumn(String column);
}
