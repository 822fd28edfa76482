package dev.trickle.node.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trickle.catalog.ConnectionSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the dashboard, the API and the metrics show of one database, read from PostgreSQL as
 * JSON: stream tables, the DAG, refresh history, efficiency, sinks, health and the scenario
 * panels. Every call opens its own connection.
 */
public final class Monitor {
  /** Rows a scenario panel shows at most. */
  public static final int PANEL_ROWS = 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STREAM_TABLES = resource("stream-tables.sql");
  private static final String DAG = resource("dag.sql");
  private static final String HISTORY = resource("history.sql");
  private static final String EFFICIENCY = resource("efficiency.sql");
  private static final String SINKS = resource("sinks.sql");
  private static final String HEALTH = resource("health.sql");
  private static final String BUFFERS = resource("buffers.sql");

  private final ConnectionSource connections;

  public Monitor(ConnectionSource connections) {
    this.connections = connections;
  }

  /**
   * The display name (schema.name) of the stream table {@code name} resolves to, like the SQL
   * API resolves it; empty when there is none.
   */
  public Optional<String> resolve(String name) {
    try {
      return Optional.of(query("SELECT to_jsonb(pgtrickle._display_name(pgtrickle._find(?)))", name).asText());
    } catch (MonitorException e) {
      if (e.notFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Every stream table: state, schedule, staleness, rows, last refresh, errors, sink. */
  public ArrayNode streamTables() {
    return (ArrayNode) query(STREAM_TABLES);
  }

  /** {@code {nodes: [{name, kind, level, ...}], edges: [{from, to}]}}. */
  public ObjectNode dag() {
    return (ObjectNode) query(DAG);
  }

  /**
   * The latest refreshes, newest first.
   *
   * @param streamTable one stream table's, or null for all
   * @param withNoData whether refreshes that found no changes are included
   */
  public ArrayNode history(String streamTable, boolean withNoData, int limit) {
    return (ArrayNode) query(HISTORY, streamTable, streamTable, withNoData, limit);
  }

  /** refresh_efficiency() with the advisor's recommendation per stream table. */
  public ArrayNode efficiency() {
    return (ArrayNode) query(EFFICIENCY);
  }

  /** sink_status() with lag in seconds and each sink's last file. */
  public ArrayNode sinks() {
    return (ArrayNode) query(SINKS);
  }

  /** The change buffers: source, rows pending, bytes. */
  public ArrayNode buffers() {
    return (ArrayNode) query(BUFFERS);
  }

  /** {@code {summary: quick_health, checks: health_check(), nodes: pgt_nodes}}. */
  public ObjectNode health() {
    return (ObjectNode) query(HEALTH);
  }

  /**
   * The scenario panels of {@code pgtrickle.pgt_dashboard_panels}, each with its columns and
   * first {@link #PANEL_ROWS} rows, or the error its query raised. Panel queries run in a
   * read-only transaction with a 2 s statement timeout.
   */
  public ArrayNode panels() {
    ArrayNode panels = JsonNodeFactory.instance.arrayNode();
    try (Connection connection = connections.open()) {
      List<String[]> definitions = new ArrayList<>();
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery(
              "SELECT title, query FROM pgtrickle.pgt_dashboard_panels ORDER BY position, panel_id")) {
        while (rows.next()) {
          definitions.add(new String[] {rows.getString(1), rows.getString(2)});
        }
      }
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      for (String[] definition : definitions) {
        panels.add(panel(connection, definition[0], definition[1]));
      }
      connection.rollback();
    } catch (SQLException e) {
      throw new MonitorException(e);
    }
    return panels;
  }

  private static ObjectNode panel(Connection connection, String title, String query) throws SQLException {
    ObjectNode panel = JsonNodeFactory.instance.objectNode().put("title", title);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SAVEPOINT panel");
      statement.execute("SET LOCAL statement_timeout = '2s'");
      statement.setMaxRows(PANEL_ROWS);
      try (ResultSet rows = statement.executeQuery(query)) {
        ResultSetMetaData meta = rows.getMetaData();
        ArrayNode columns = panel.putArray("columns");
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.add(meta.getColumnLabel(i));
        }
        ArrayNode data = panel.putArray("rows");
        while (rows.next()) {
          ArrayNode row = data.addArray();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object value = rows.getObject(i);
            row.add(value == null ? null : JSON.valueToTree(value instanceof Number || value instanceof Boolean
                ? value : rows.getString(i)));
          }
        }
      }
      statement.execute("RELEASE SAVEPOINT panel");
    } catch (SQLException e) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("ROLLBACK TO SAVEPOINT panel");
      }
      panel.put("error", e.getMessage());
    }
    return panel;
  }

  private JsonNode query(String sql, Object... parameters) {
    try (Connection connection = connections.open(); PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return JSON.readTree(rows.getString(1));
      }
    } catch (SQLException e) {
      throw new MonitorException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = Monitor.class.getResourceAsStream("/monitor/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource /monitor/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
