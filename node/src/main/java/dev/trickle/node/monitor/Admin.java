package dev.trickle.node.monitor;

import dev.trickle.catalog.ConnectionSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The admin actions of the HTTP API, through the SQL API: refresh, suspend, resume. */
public final class Admin {
  /** An admin action and the SQL API call it makes with the stream table's name. */
  public enum Action {
    REFRESH("SELECT pgtrickle.refresh_stream_table(?)"),
    SUSPEND("SELECT pgtrickle.alter_stream_table(?, status => 'SUSPENDED')"),
    RESUME("SELECT pgtrickle.resume_stream_table(?)");

    private final String sql;

    Action(String sql) {
      this.sql = sql;
    }
  }

  private final ConnectionSource connections;

  public Admin(ConnectionSource connections) {
    this.connections = connections;
  }

  /**
   * Runs the action on the stream table; a refresh is synchronous.
   *
   * @throws MonitorException naming the cause (no such stream table, not suspended, ...)
   */
  public void run(Action action, String streamTable) {
    try (Connection connection = connections.open(); PreparedStatement statement = connection.prepareStatement(action.sql)) {
      statement.setString(1, streamTable);
      statement.execute();
    } catch (SQLException e) {
      throw new MonitorException(e);
    }
  }
}
