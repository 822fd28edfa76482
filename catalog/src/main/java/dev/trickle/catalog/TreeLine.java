package dev.trickle.catalog;

/** One row of {@code pgtrickle.dependency_tree()}. */
public record TreeLine(String line, String node, String nodeType, int depth, String status, String refreshMode) {}
