package dev.trickle.node.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The actor journal's tables (Pekko Persistence JDBC), created in their own schema of the
 * journal database, idempotently: the plugin's own PostgreSQL script, moved into the schema,
 * run under an advisory lock only when the tables are missing.
 */
final class JournalSchema {
  private static final String PLUGIN_SCRIPT = "schema/postgres/postgres-create-schema.sql";
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]*");

  private JournalSchema() {}

  /** Creates the schema and tables unless they exist. */
  static void ensure(Connection connection, String schema) throws SQLException {
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException("journal schema '" + schema + "' must be a lower-case SQL identifier");
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(hashtext('trickle journal schema'))");
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
      try (var exists = statement.executeQuery("SELECT to_regclass('" + schema + ".event_journal') IS NOT NULL")) {
        exists.next();
        if (!exists.getBoolean(1)) {
          for (String sql : statements(schema)) {
            statement.execute(sql);
          }
        }
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** The plugin's script in {@code schema}, without the durable-state table the runtime does not use. */
  private static List<String> statements(String schema) {
    String script;
    try (InputStream in = JournalSchema.class.getClassLoader().getResourceAsStream(PLUGIN_SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException("the journal plugin's schema script " + PLUGIN_SCRIPT + " is missing from the classpath");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + PLUGIN_SCRIPT, e);
    }
    List<String> statements = new ArrayList<>();
    for (String statement : script.split(";")) {
      String sql = statement.strip();
      if (sql.isEmpty() || sql.contains("durable_state")) {
        continue;
      }
      statements.add(sql.replace("public.", schema + ".").replace("REFERENCES event_journal", "REFERENCES " + schema
          + ".event_journal"));
    }
    return statements;
  }
}
