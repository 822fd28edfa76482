package dev.trickle.engine;

/** A column of a stream table's storage as the query defines it: its name and type. */
public record OutputColumnInfo(String name, String type) {}
