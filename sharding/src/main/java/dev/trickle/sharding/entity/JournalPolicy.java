package dev.trickle.sharding.entity;

import java.time.Duration;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/** How the event-sourced entities (stream tables, sinks) treat their journal. */
public final class JournalPolicy {
  /** A failed journal write (the database restarting, say) restarts the entity after 1 s, up to 30 s. */
  public static final BackoffSupervisorStrategy ON_FAILURE =
      SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);

  /** A snapshot every 100 events, keeping two, so recovery replays little. */
  public static final RetentionCriteria RETENTION = RetentionCriteria.snapshotEvery(100, 2);

  private JournalPolicy() {}
}
