package dev.trickle.node.demo;

import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.RefreshRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** A demo: its schema and stream tables, a workload generator, and what to show as it runs. */
interface Scenario {
  String name();

  /** Creates the scenario's tables and stream tables if they do not exist yet: runs {@code demo/NAME.sql}. */
  default void setUp(Connection connection) throws SQLException {
    runScript(connection, name() + ".sql");
  }

  /** One tick of the workload (called every 100 ms on the generator's connection). */
  void generate(Connection connection) throws SQLException;

  /** Lines printed at start: what runs and what to look at. */
  List<String> introduction();

  /** Shows the effect of a refresh the cluster ran (NO_DATA refreshes are not shown): one line. */
  default void report(RefreshRecord refresh, ConnectionSource connections, PrintWriter out) {
    printRefresh(refresh, out);
  }

  /** The line a refresh is shown with: time, table, action, rows and duration, or its error. */
  static void printRefresh(RefreshRecord refresh, PrintWriter out) {
    String time = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String table = refresh.streamTable().substring(refresh.streamTable().lastIndexOf('.') + 1);
    if (refresh.errorMessage() != null) {
      out.println(time + " " + table + " refresh failed: " + refresh.errorMessage());
      return;
    }
    out.println(time + " " + table + " refreshed: " + refresh.action() + ", " + refresh.rowsInserted() + " inserted, "
        + refresh.rowsUpdated() + " updated, " + refresh.rowsDeleted() + " deleted in " + refresh.duration().toMillis()
        + " ms");
  }

  /** Runs one of the scenario scripts in {@code src/main/resources/demo}. */
  static void runScript(Connection connection, String name) throws SQLException {
    try (InputStream script = Scenario.class.getResourceAsStream("/demo/" + name);
        Statement statement = connection.createStatement()) {
      if (script == null) {
        throw new IllegalStateException("missing demo script " + name);
      }
      statement.execute(new String(script.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the demo script " + name, e);
    }
  }
}
