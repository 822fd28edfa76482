package dev.trickle.engine;

/** A hidden storage column ({@code __pgt_*}) a refresh program keeps state in. */
public record AuxColumn(String name, String type) {}
