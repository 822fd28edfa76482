package dev.trickle.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java parser and the SQL API's validator accept and reject exactly the same schedules. */
class ScheduleGrammarTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create().withSetup(CatalogInstaller::install);

  private static final List<String> CORPUS = List.of(
      "calculated", "Calculated", "500ms", "100ms", "99ms", "5s", "1m", "1h30m", "2m30s", "1d", "1w", "366d", "367d",
      "0s", "5", "5 s", "5seconds", "-5s", "1.5s", "", "   ",
      "* * * * *", "*/5 * * * *", "0 */5 * * * *", "0 6 * * 1-5", "0 6 * * MON-FRI", "0 0 1 JAN,JUL ?",
      "0 0 ? * SUN", "0 12 * * 7", "0 12 * * 8", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *",
      "* * * 13 *", "* * * 0 *", "5-1 * * * *", "*/0 * * * *", "a * * * *", "* * * *", "* * * * * * *",
      "? * * * *", "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually", "@reboot",
      "0,15,30,45 * * * *", "1-10/2 * * * *", "0 0 * FOO *");

  @Test
  void shouldAgreeWithTheSqlValidator() throws SQLException {
    try (Connection connection = db.connect();
        PreparedStatement statement = connection.prepareStatement("SELECT pgtrickle._normalize_schedule(?)")) {
      List<String> disagreements = new java.util.ArrayList<>();
      for (String schedule : CORPUS) {
        if (sqlAccepts(connection, statement, schedule) != javaAccepts(schedule)) {
          disagreements.add("'" + schedule + "' (SQL " + (sqlAccepts(connection, statement, schedule) ? "accepts" : "rejects") + ")");
        }
      }
      assertEquals(List.of(), disagreements);
    }
  }

  private static boolean javaAccepts(String schedule) {
    try {
      Schedule.parse(schedule);
      return true;
    } catch (InvalidScheduleException e) {
      return false;
    }
  }

  private static boolean sqlAccepts(Connection connection, PreparedStatement statement, String schedule)
      throws SQLException {
    statement.setString(1, schedule);
    connection.setAutoCommit(false);
    try {
      statement.execute();
      return true;
    } catch (SQLException e) {
      return false;
    } finally {
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }
}
