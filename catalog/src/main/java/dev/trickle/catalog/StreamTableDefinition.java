package dev.trickle.catalog;

import dev.trickle.protocol.RefreshMode;
import java.util.Objects;
import java.util.Optional;

/**
 * What a user asks for when creating a stream table.
 *
 * @param name name or schema.name, with SQL identifier rules (quote to keep capitals/spaces)
 * @param query the defining SELECT
 * @param schedule a duration ('5s'), cron expression, or 'calculated'
 * @param mode the requested refresh mode
 * @param initialize whether to populate it at once
 * @param sink where its refresh deltas are delivered besides the stream table, if anywhere
 */
public record StreamTableDefinition(String name, String query, String schedule, RefreshMode mode, boolean initialize,
    Optional<SinkSettings> sink) {
  public StreamTableDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(sink, "sink");
  }

  /** A stream table without a sink. */
  public StreamTableDefinition(String name, String query, String schedule, RefreshMode mode, boolean initialize) {
    this(name, query, schedule, mode, initialize, Optional.empty());
  }
}
