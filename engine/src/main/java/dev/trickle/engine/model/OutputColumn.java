package dev.trickle.engine.model;

import net.sf.jsqlparser.expression.Expression;

/** One column of a block's select list. */
public record OutputColumn(String name, Expression expression) {}
