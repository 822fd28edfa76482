package dev.trickle.sharding.runtime;

import com.typesafe.config.Config;
import dev.trickle.sharding.coordinator.CoordinatorSettings;
import dev.trickle.sharding.entity.Backoff;
import dev.trickle.sharding.entity.EntitySettings;
import java.time.Clock;
import java.time.Duration;

/**
 * The runtime's settings, read from {@code trickle.runtime} (defaults in this module's
 * reference.conf).
 */
public record RuntimeSettings(EntitySettings entity, CoordinatorSettings coordinator, int poolSize,
    Duration connectionTimeout, Duration sinkPollInterval, Backoff sinkBackoff) {

  /** Reads {@code trickle.runtime} from {@code config}. */
  public static RuntimeSettings from(Config config, Clock clock) {
    Config runtime = config.getConfig("trickle.runtime");
    EntitySettings entity = new EntitySettings(runtime.getInt("max-consecutive-failures"),
        new Backoff(runtime.getDuration("backoff.min"), runtime.getDuration("backoff.max"),
            runtime.getDouble("backoff.random-factor")),
        runtime.getDuration("backoff.min"), clock);
    CoordinatorSettings coordinator = new CoordinatorSettings(runtime.getDuration("tick-interval"),
        runtime.getDuration("catalog-scan-interval"), runtime.getDuration("refresh-ask-timeout"),
        runtime.getInt("max-concurrent-refreshes-per-database"), runtime.getDuration("calculated-fallback-interval"), clock);
    Backoff sinkBackoff = new Backoff(runtime.getDuration("sink-backoff.min"), runtime.getDuration("sink-backoff.max"),
        runtime.getDouble("sink-backoff.random-factor"));
    return new RuntimeSettings(entity, coordinator, runtime.getInt("pool-size"), runtime.getDuration("connection-timeout"),
        runtime.getDuration("sink-poll-interval"), sinkBackoff);
  }
}
