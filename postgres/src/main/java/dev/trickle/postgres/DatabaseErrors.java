package dev.trickle.postgres;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Turns JDBC errors into the one-line messages users see. */
public final class DatabaseErrors {
  private DatabaseErrors() {}

  /**
   * The server's own message (and hint, if any) for errors raised by PostgreSQL, else the
   * driver's message; never more than one line.
   */
  public static String describe(SQLException error) {
    String message = error.getMessage();
    if (error instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      ServerErrorMessage server = psql.getServerErrorMessage();
      message = server.getMessage();
      if (server.getHint() != null) {
        message += " (hint: " + server.getHint() + ")";
      }
    }
    return message == null ? error.getClass().getSimpleName() : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
