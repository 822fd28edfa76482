package dev.trickle.node.monitor;

import java.sql.SQLException;

/** A monitoring read or admin action the database refused; the message is PostgreSQL's. */
public final class MonitorException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final String UNDEFINED_TABLE = "42P01";

  private final String sqlState;

  public MonitorException(SQLException cause) {
    super(cause.getMessage().replaceFirst("^ERROR: ", "").split("\n", 2)[0], cause);
    this.sqlState = cause.getSQLState();
  }

  /** Whether the cause was a stream table (or table) that does not exist. */
  public boolean notFound() {
    return UNDEFINED_TABLE.equals(sqlState);
  }

  /** Whether the request itself was wrong (SQLSTATE class 22: a bad value). */
  public boolean badRequest() {
    return sqlState != null && sqlState.startsWith("22");
  }

  /** Whether the object is not in a state that allows it (SQLSTATE class 55, e.g. resuming an active table). */
  public boolean conflict() {
    return sqlState != null && sqlState.startsWith("55");
  }
}
