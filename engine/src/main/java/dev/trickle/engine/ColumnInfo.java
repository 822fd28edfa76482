package dev.trickle.engine;

/**
 * A column of a relation.
 *
 * @param type the type as {@code format_type} prints it
 */
public record ColumnInfo(String name, String type, boolean notNull) {}
