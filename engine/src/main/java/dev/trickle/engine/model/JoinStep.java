package dev.trickle.engine.model;

import net.sf.jsqlparser.expression.Expression;

/** One join in a left-deep FROM clause; {@code condition} is null for CROSS joins. */
public record JoinStep(JoinKind kind, FromItem item, Expression condition) {}
