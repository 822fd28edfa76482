package dev.trickle.catalog;

import dev.trickle.protocol.StreamTableId;
import java.util.Optional;

/**
 * A relation a stream table reads directly.
 *
 * @param relid the relation's oid (a table, view, or stream table's storage)
 * @param streamTable the stream table that relation is, when it is one
 */
public record StreamTableSource(StreamTableId consumer, long relid, Optional<StreamTableId> streamTable) {}
