package dev.trickle.engine.model;

/** How a FROM item joins the items before it. */
public enum JoinKind {
  INNER,
  CROSS,
  LEFT,
  /** Preserves the new item; everything before it becomes nullable. */
  RIGHT,
  /** Preserves both sides: every item becomes nullable. */
  FULL
}
