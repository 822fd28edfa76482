package dev.trickle.engine.model;

/** How a FROM item joins the items before it. */
public enum JoinKind {
  INNER,
  CROSS,
  LEFT
}
