package dev.trickle.catalog;

import dev.trickle.protocol.StreamTableId;

/** A stream table ({@code consumer}) that reads another stream table ({@code upstream}). */
public record StreamTableEdge(StreamTableId consumer, StreamTableId upstream) {}
