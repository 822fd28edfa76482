package dev.trickle.catalog;

import dev.trickle.protocol.RefreshMode;
import dev.trickle.protocol.StreamTableStatus;
import java.util.Optional;

/** Changes to a stream table; empty fields stay as they are. */
public record StreamTableAlteration(
    Optional<String> query,
    Optional<String> schedule,
    Optional<RefreshMode> mode,
    Optional<StreamTableStatus> status,
    Optional<SinkSettings> sink) {

  /** Changes to anything but the sink. */
  public StreamTableAlteration(Optional<String> query, Optional<String> schedule, Optional<RefreshMode> mode,
      Optional<StreamTableStatus> status) {
    this(query, schedule, mode, status, Optional.empty());
  }

  /** Whether this alteration changes nothing. */
  public boolean isEmpty() {
    return query.isEmpty() && schedule.isEmpty() && mode.isEmpty() && status.isEmpty() && sink.isEmpty();
  }
}
