package dev.trickle.catalog;

import java.time.Instant;

/**
 * A sink's state, as {@code pgtrickle.sink_status()} shows it.
 *
 * @param deliveredRefreshId the sink frontier: every refresh up to it is delivered
 * @param pendingRefreshes refreshes that changed rows and are not delivered yet
 * @param pendingRows their delta rows
 */
public record SinkStatus(String name, String sink, String mode, String path, String catalogSchema, Long ducklakeTableId,
    long deliveredRefreshId, Instant deliveredAt, long pendingRefreshes, long pendingRows, int consecutiveErrors,
    String lastError, Instant lastErrorAt) {}
