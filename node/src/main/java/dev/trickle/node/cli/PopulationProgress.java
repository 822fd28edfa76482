package dev.trickle.node.cli;

import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.RefreshRecord;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Progress of a long initial population on stderr. A population is one INSERT inside the
 * creating transaction, so its rows cannot be counted before it commits: while it runs this
 * shows the time spent and the planner's row estimate (in place on a terminal, a line every
 * 5 s otherwise); afterwards the rows written and the rate.
 */
final class PopulationProgress {
  private static final Duration FIRST_TICK = Duration.ofSeconds(1);

  private PopulationProgress() {}

  /** Runs {@code work} (a create that populates), showing progress while it takes more than a second. */
  static <T> T during(PrintWriter err, String name, OptionalLong estimatedRows, Supplier<T> work) {
    boolean terminal = System.console() != null;
    long start = System.nanoTime();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "trickle-progress");
      thread.setDaemon(true);
      return thread;
    });
    String expected = estimatedRows.isPresent()
        ? String.format(Locale.ROOT, ", about %,d rows expected", estimatedRows.getAsLong()) : "";
    ticker.scheduleAtFixedRate(() -> {
      long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      if (terminal || seconds % 5 == 0) {
        err.print((terminal ? "\r" : "") + "populating " + name + ": " + seconds + " s" + expected + (terminal ? "" : "\n"));
        err.flush();
      }
    }, FIRST_TICK.toMillis(), FIRST_TICK.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return work.get();
    } finally {
      ticker.shutdownNow();
      if (terminal && Duration.ofNanos(System.nanoTime() - start).compareTo(FIRST_TICK) >= 0) {
        err.print("\r\033[K");
        err.flush();
      }
    }
  }

  /** "populated NAME: N rows in T s (R rows/s)" for the population's history row. */
  static String summary(String name, RefreshRecord population) {
    double seconds = Math.max(population.duration().toNanos() / 1e9, 1e-3);
    return String.format(Locale.ROOT, "populated %s: %,d rows in %.2f s (%,.0f rows/s)", name,
        population.rowsInserted(), seconds, population.rowsInserted() / seconds);
  }

  /**
   * The planner's estimate of the query's rows; empty when it cannot plan it (create will say
   * why). The query goes to the server as a value, validated there as create_stream_table
   * validates it, in a transaction that is rolled back.
   */
  static OptionalLong estimate(ConnectionSource connections, String query) {
    try (Connection connection = connections.open();
        PreparedStatement statement = connection.prepareStatement("SELECT pgtrickle._estimate_rows(?)")) {
      connection.setAutoCommit(false);
      statement.setString(1, query);
      try (ResultSet estimate = statement.executeQuery()) {
        estimate.next();
        long rows = estimate.getLong(1);
        return estimate.wasNull() ? OptionalLong.empty() : OptionalLong.of(rows);
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      return OptionalLong.empty();
    }
  }
}
