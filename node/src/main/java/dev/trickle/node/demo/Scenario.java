package dev.trickle.node.demo;

import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.RefreshRecord;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** A demo: its schema and stream tables, a workload generator, and what to show as it runs. */
interface Scenario {
  String name();

  /** Creates the scenario's tables and stream tables if they do not exist yet. */
  void setUp(Connection connection) throws SQLException;

  /** One tick of the workload (called every 100 ms on the generator's connection). */
  void generate(Connection connection) throws SQLException;

  /** Lines printed at start: what runs and what to look at. */
  List<String> introduction();

  /** Shows the effect of a refresh the cluster ran (NO_DATA refreshes are not shown). */
  void report(RefreshRecord refresh, ConnectionSource connections, PrintWriter out);
}
