package dev.trickle.catalog;

import dev.trickle.protocol.RefreshMode;
import java.util.Objects;

/**
 * What a user asks for when creating a stream table.
 *
 * @param name name or schema.name, with SQL identifier rules (quote to keep capitals/spaces)
 * @param query the defining SELECT
 * @param schedule a duration ('5s'), cron expression, or 'calculated'
 * @param mode the requested refresh mode
 * @param initialize whether to populate it at once
 */
public record StreamTableDefinition(String name, String query, String schedule, RefreshMode mode, boolean initialize) {
  public StreamTableDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(mode, "mode");
  }
}
