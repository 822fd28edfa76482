package dev.trickle.engine.model;

/** A relation in a FROM clause, under its alias. */
public sealed interface FromItem permits TableItem, DerivedItem {
  String alias();
}
