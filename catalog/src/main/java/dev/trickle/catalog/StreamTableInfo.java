package dev.trickle.catalog;

import dev.trickle.protocol.RefreshMode;
import dev.trickle.protocol.StreamTableId;
import dev.trickle.protocol.StreamTableStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * A stream table as recorded in {@code pgtrickle.pgt_stream_tables}.
 *
 * @param displayName schema.name, each part quoted where SQL needs it
 * @param effectiveMode the mode its compiled program implements; empty until compiled
 * @param modeReason why that mode (e.g. why AUTO chose FULL); may be null
 * @param compiled whether a Trickle process has compiled its current definition
 * @param dataTimestamp when the data it holds was current; null before the first refresh
 * @param programVersion incremented each time a refresh program is stored for it
 * @param atomicDiamond whether it refreshes in one transaction with the rest of its diamond
 *     ({@code diamond_consistency => 'atomic'})
 */
public record StreamTableInfo(
    StreamTableId id,
    String schema,
    String name,
    String displayName,
    String definingQuery,
    String schedule,
    RefreshMode refreshMode,
    Optional<RefreshMode> effectiveMode,
    String modeReason,
    StreamTableStatus status,
    boolean populated,
    int consecutiveErrors,
    String lastError,
    Instant dataTimestamp,
    Instant lastRefreshAt,
    boolean compiled,
    long programVersion,
    boolean atomicDiamond) {}
