package dev.trickle.sharding;

import dev.trickle.catalog.CatalogException;
import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.catalog.Refresher;
import dev.trickle.catalog.StreamTableCatalog;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.catalog.StreamTableInfo;
import dev.trickle.protocol.RefreshAction;
import dev.trickle.protocol.StreamTableId;
import dev.trickle.protocol.StreamTableStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the stream tables of one database fresh from a single process: on every tick it
 * compiles tables defined through SQL, then refreshes the due ones in topological order, so a
 * table never refreshes against upstream state older than the wave's. Not thread-safe:
 * {@link #tick()} runs on one thread (the loop's own once {@link #start}ed).
 */
public final class LocalRefreshLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalRefreshLoop.class);

  /** Told about every refresh the loop runs. Called on the loop's thread. */
  @FunctionalInterface
  public interface Listener {
    void refreshed(StreamTableInfo table, RefreshOutcome outcome);
  }

  private final StreamTableCatalog catalog;
  private final StreamTableDefinitions definitions;
  private final Refresher refresher;
  private final Clock clock;
  private final Duration calculatedFallback;
  private final Listener listener;
  private final Map<StreamTableId, Instant> lastAttempts = new HashMap<>();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "trickle-refresh-loop"));

  public LocalRefreshLoop(StreamTableCatalog catalog, StreamTableDefinitions definitions, Refresher refresher,
      Clock clock, Duration calculatedFallback, Listener listener) {
    this.catalog = catalog;
    this.definitions = definitions;
    this.refresher = refresher;
    this.clock = clock;
    this.calculatedFallback = calculatedFallback;
    this.listener = listener;
  }

  /** Ticks every {@code period} on the loop's own thread until closed. */
  public void start(Duration period) {
    executor.scheduleWithFixedDelay(this::tickSafely, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("refresh loop tick failed: {}", e.getMessage());
    }
  }

  /** Runs one wave: compile pending definitions, refresh every due table in dependency order. */
  public void tick() {
    definitions.compilePending();
    Map<StreamTableId, StreamTableInfo> tables = new LinkedHashMap<>();
    for (StreamTableInfo table : catalog.list()) {
      tables.put(table.id(), table);
    }
    RefreshPlanner planner = RefreshPlanner.of(RefreshDag.of(tables.keySet(), catalog.edges()), schedules(tables),
        calculatedFallback);
    Instant now = clock.instant();
    Set<StreamTableId> changed = new HashSet<>();
    for (StreamTableId id : planner.dag().topologicalOrder()) {
      StreamTableInfo table = tables.get(id);
      if (table.status() != StreamTableStatus.ACTIVE) {
        continue;
      }
      boolean upstreamChanged = planner.followsUpstreams(id)
          && planner.dag().upstreams(id).stream().anyMatch(changed::contains);
      // Only the loop's own clock decides: a table first seen populated counts as fresh.
      Instant last = lastAttempts.computeIfAbsent(id, key -> table.populated() ? now : null);
      if (upstreamChanged || planner.dueBySchedule(id, last, now)) {
        lastAttempts.put(id, now);
        RefreshOutcome outcome = refresher.refreshScheduled(id);
        if (outcome instanceof RefreshOutcome.Completed completed && completed.record().action() != RefreshAction.NO_DATA) {
          changed.add(id);
        }
        listener.refreshed(table, outcome);
      }
    }
  }

  private static Map<StreamTableId, Schedule> schedules(Map<StreamTableId, StreamTableInfo> tables) {
    Map<StreamTableId, Schedule> schedules = new HashMap<>();
    for (StreamTableInfo table : tables.values()) {
      try {
        schedules.put(table.id(), Schedule.parse(table.schedule()));
      } catch (InvalidScheduleException e) {
        throw new CatalogException("stream table " + table.displayName() + " has an invalid schedule: " + e.getMessage());
      }
    }
    return schedules;
  }

  /** Stops the loop, waiting for a running tick to finish. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
