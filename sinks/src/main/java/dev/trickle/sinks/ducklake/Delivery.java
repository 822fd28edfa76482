package dev.trickle.sinks.ducklake;

import java.util.Optional;

/**
 * One refresh's delta delivered to a DuckLake sink.
 *
 * @param dataFileKey the data file's key under the sink path (none when a mirror-mode delta only deletes)
 * @param rowsInserted rows the DuckLake table gained ('I' rows)
 * @param rowsDeleted rows it lost ('D' rows)
 * @param deleteFiles position-delete files written (mirror mode)
 */
public record Delivery(long refreshId, long snapshotId, long deltaRows, long rowsInserted, long rowsDeleted,
    Optional<String> dataFileKey, long bytesWritten, int deleteFiles) {}
