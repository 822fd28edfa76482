package dev.trickle.catalog;

import dev.trickle.postgres.DatabaseErrors;
import java.sql.SQLException;
import java.util.Set;

/**
 * A catalog operation that failed; the message is what PostgreSQL or Trickle said, in one line,
 * and {@link #sqlState()} the SQLSTATE when the database raised it.
 */
public class CatalogException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** undefined_table, undefined_function, invalid_schema_name. */
  private static final Set<String> MISSING_OBJECT_STATES = Set.of("42P01", "42883", "3F000");
  /** serialization_failure, deadlock_detected, lock_not_available. */
  private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "55P03");

  private final String sqlState;

  public CatalogException(String message) {
    super(message);
    this.sqlState = null;
  }

  CatalogException(SQLException cause) {
    super(DatabaseErrors.describe(cause), cause);
    this.sqlState = cause.getSQLState();
  }

  /**
   * The exception for a failed statement; a missing pgtrickle schema or function becomes a
   * {@link CatalogNotInstalledException} that tells the user how to install it.
   */
  static CatalogException from(SQLException cause) {
    String message = DatabaseErrors.describe(cause);
    if (cause.getSQLState() != null && MISSING_OBJECT_STATES.contains(cause.getSQLState()) && message.contains("pgtrickle.")
        && !message.startsWith("stream table")) {
      return new CatalogNotInstalledException(
          "the pgtrickle catalog is not installed in this database (" + message + "); run: trickle install --db URL");
    }
    return new CatalogException(cause);
  }

  /**
   * Whether trying again later may succeed without anyone changing anything: the database was
   * unreachable, shutting down or out of connections, or the transaction lost a serialization
   * conflict, a deadlock or a lock wait.
   */
  public boolean isTransient() {
    if (sqlState != null) {
      return sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57P")
          || sqlState.startsWith("58") || TRANSIENT_STATES.contains(sqlState);
    }
    return getCause() instanceof java.sql.SQLTransientException || getCause() instanceof java.sql.SQLRecoverableException;
  }

  /** The SQLSTATE of the database error behind this one, or null. */
  public String sqlState() {
    return sqlState;
  }
}
