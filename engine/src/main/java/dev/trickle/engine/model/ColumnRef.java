package dev.trickle.engine.model;

/** A qualified column reference ({@code alias.column}) as written in a defining query. */
public record ColumnRef(String qualifier, String column) {}
