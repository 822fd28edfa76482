package dev.trickle.node;

import dev.trickle.postgres.DatabaseErrors;
import java.sql.SQLException;

/** One-line descriptions of failures for the command line. */
final class CliErrors {
  private CliErrors() {}

  static String describe(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    if (cause instanceof SQLException sql) {
      return DatabaseErrors.describe(sql);
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
