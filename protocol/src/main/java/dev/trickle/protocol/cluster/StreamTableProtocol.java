package dev.trickle.protocol.cluster;

import dev.trickle.protocol.RefreshAction;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The protocol of a stream table's sharded entity: the commands it takes, the replies it
 * gives, the events it persists and the state they fold into.
 */
public final class StreamTableProtocol {
  private StreamTableProtocol() {}

  /**
   * What a stream table entity is asked to do. Not sealed: the entity adds private messages of
   * its own, which never leave its node.
   */
  public interface Command extends ClusterMessage {}

  /**
   * Refresh now, in refresh wave {@code wave}, unless suspended, backing off or already
   * refreshing (then the reply comes when the running refresh ends).
   */
  public record Refresh(long wave, ActorRef<RefreshReply> replyTo) implements Command {
    public Refresh {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Refresh this stream table together with {@code members} (the rest of its diamond group,
   * in dependency order, this table last) in one transaction.
   */
  public record RefreshGroup(long wave, List<Long> members, ActorRef<RefreshReply> replyTo) implements Command {
    public RefreshGroup {
      members = List.copyOf(members);
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** The catalog changed (definition, status, or the table was dropped): read it and follow it. */
  public enum Reconcile implements Command { INSTANCE }

  /** Reply with the entity's state. */
  public record GetState(ActorRef<State> replyTo) implements Command {}

  /** Stop (sharding's stop message when the entity is passivated or its shard moves). */
  public enum Passivate implements Command { INSTANCE }

  /** How a refresh request ended. */
  public enum Outcome {
    /** Refreshed, and the stream table's contents changed. */
    CHANGED,
    /** Refreshed; nothing changed (NO_DATA, or a refresh that found nothing to write). */
    UNCHANGED,
    /** Another session held the stream table's refresh lock; nothing was done. */
    SKIPPED,
    /** The refresh failed; it is retried after a backoff. */
    FAILED,
    /** A recent failure's backoff has not elapsed; nothing was done. */
    BACKING_OFF,
    /** The stream table is suspended; nothing was done. */
    SUSPENDED,
    /** The stream table no longer exists. */
    DROPPED
  }

  /**
   * The answer to {@link Refresh} and {@link RefreshGroup}.
   *
   * @param retryAt when a refresh may be tried again after FAILED or BACKING_OFF; otherwise null
   * @param detail the error or reason; may be null
   */
  public record RefreshReply(StreamTableKey key, long wave, Outcome outcome, Instant retryAt, String detail)
      implements ClusterMessage {
    public RefreshReply {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /** What an entity persists: its lifecycle. */
  public sealed interface Event extends ClusterMessage {}

  /** First seen in the catalog, with its program version. */
  public record Registered(long programVersion, Instant at) implements Event {}

  /** Its definition or refresh program changed. */
  public record Altered(long programVersion, Instant at) implements Event {}

  /**
   * A refresh committed: history row {@code refreshId}, or {@link #NOT_RECORDED} for a
   * scheduled refresh that found nothing to do and wrote none.
   */
  public record Refreshed(long refreshId, RefreshAction action, long rowsChanged, Instant at) implements Event {
    public static final long NOT_RECORDED = 0;
  }

  /** A refresh failed; the next attempt waits until {@code retryAt}. */
  public record Failed(String error, boolean counted, Instant retryAt, Instant at) implements Event {}

  /** Suspended, by its failures or by a user. */
  public record Suspended(String reason, Instant at) implements Event {}

  /** Resumed by a user. */
  public record Resumed(Instant at) implements Event {}

  /** The stream table was dropped. */
  public record Dropped(Instant at) implements Event {}

  /** Where an entity is in its lifecycle. */
  public enum Lifecycle {
    /** Not yet matched with the catalog. */
    UNREGISTERED,
    /** Refreshed when asked. */
    ACTIVE,
    /** Refreshes nothing until resumed. */
    SUSPENDED,
    /** Its stream table is gone. */
    DROPPED
  }

  /**
   * An entity's state, folded from its events.
   *
   * @param failures consecutive failures counted towards suspension
   * @param retryAt the end of the current backoff, or null
   * @param lastError the last failure's message, or null
   */
  public record State(Lifecycle lifecycle, long programVersion, long refreshes, long lastRefreshId,
      Instant lastRefreshAt, int failures, Instant retryAt, String lastError) implements ClusterMessage {
    public State {
      Objects.requireNonNull(lifecycle, "lifecycle");
    }

    /** The state of an entity nothing has happened to. */
    public static State initial() {
      return new State(Lifecycle.UNREGISTERED, 0, 0, 0, null, 0, null, null);
    }

    /** Whether a refresh may start at {@code now}. */
    public boolean refreshableAt(Instant now) {
      return lifecycle == Lifecycle.ACTIVE && (retryAt == null || !now.isBefore(retryAt));
    }

    /** The state after {@code event}. */
    public State apply(Event event) {
      if (event instanceof Registered registered) {
        return new State(Lifecycle.ACTIVE, registered.programVersion(), refreshes, lastRefreshId, lastRefreshAt, 0, null,
            null);
      }
      if (event instanceof Altered altered) {
        return new State(lifecycle, altered.programVersion(), refreshes, lastRefreshId, lastRefreshAt, 0, null, lastError);
      }
      if (event instanceof Refreshed refreshed) {
        long historyRow = refreshed.refreshId() == Refreshed.NOT_RECORDED ? lastRefreshId : refreshed.refreshId();
        return new State(lifecycle, programVersion, refreshes + 1, historyRow, refreshed.at(), 0, null, null);
      }
      if (event instanceof Failed failed) {
        return new State(lifecycle, programVersion, refreshes, lastRefreshId, lastRefreshAt,
            failed.counted() ? failures + 1 : failures, failed.retryAt(), failed.error());
      }
      if (event instanceof Suspended suspended) {
        return new State(Lifecycle.SUSPENDED, programVersion, refreshes, lastRefreshId, lastRefreshAt, failures, null,
            suspended.reason());
      }
      if (event instanceof Resumed) {
        return new State(Lifecycle.ACTIVE, programVersion, refreshes, lastRefreshId, lastRefreshAt, 0, null, null);
      }
      if (event instanceof Dropped) {
        return new State(Lifecycle.DROPPED, programVersion, refreshes, lastRefreshId, lastRefreshAt, failures, null,
            lastError);
      }
      throw new IllegalArgumentException("unknown event " + event);
    }
  }
}
