package dev.trickle.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * A seeded random write workload over a small schema with NULLs, duplicate rows, skewed keys,
 * FK-like relations, a keyless table and a partitioned table. Each call runs one transaction
 * of several statements that commits or rolls back.
 */
final class RandomWorkload {
  static final String[] SCHEMA = {
      "CREATE TABLE accounts (id int PRIMARY KEY, region text, tier text, balance numeric(12,2), opened date)",
      "CREATE TABLE events (id bigserial PRIMARY KEY, account_id int, kind text, amount int, note text, merchant_id int)",
      "CREATE TABLE merchants (id int PRIMARY KEY, name text NOT NULL, category text)",
      "INSERT INTO merchants SELECT g, 'merchant ' || g, (ARRAY['food','travel',NULL])[1 + g % 3] FROM generate_series(1, 12) g",
      "CREATE TABLE readings (sensor int, value double precision)",
      "CREATE TABLE measurements (day int, sensor int, value int) PARTITION BY RANGE (day)",
      "CREATE TABLE measurements_early PARTITION OF measurements FOR VALUES FROM (0) TO (50)",
      "CREATE TABLE measurements_late PARTITION OF measurements FOR VALUES FROM (50) TO (100)",
      "INSERT INTO accounts SELECT g, (ARRAY['north','south','east','west',NULL])[1 + g % 5], "
          + "(ARRAY['gold','silver','bronze'])[1 + g % 3], (g * 37 % 1000)::numeric / 4, DATE '2024-01-01' + g "
          + "FROM generate_series(1, 40) g",
      "INSERT INTO events (account_id, kind, amount, note, merchant_id) SELECT 1 + (g * g) % 45, "
          + "(ARRAY['buy','sell','fee'])[1 + g % 3], (g * 13) % 200 - 20, CASE WHEN g % 4 = 0 THEN NULL ELSE 'n' || g % 7 END, "
          + "CASE WHEN g % 10 = 0 THEN NULL ELSE 1 + g % 14 END FROM generate_series(1, 300) g",
      "INSERT INTO readings SELECT g % 6, (g % 4) * 1.5 FROM generate_series(1, 60) g",
      "CREATE VIEW big_events AS SELECT id, account_id, kind, amount FROM events WHERE amount > 20",
      "CREATE VIEW account_totals AS SELECT account_id, sum(amount) AS total, count(*) AS n FROM events GROUP BY account_id",
      "INSERT INTO measurements SELECT g % 100, g % 5, g % 17 FROM generate_series(1, 200) g",
  };

  private final Random random;

  RandomWorkload(long seed) {
    this.random = new Random(seed);
  }

  /** Checks the database inside the workload's transaction, after one of its statements. */
  interface StatementCheck {
    void after(String statement) throws SQLException;
  }

  /** Runs one random transaction of 1 to 4 statements; about one in six is rolled back. */
  void runTransaction(Connection connection) throws SQLException {
    runTransaction(connection, statement -> { });
  }

  /** Runs one random transaction, checking after each of its statements. */
  void runTransaction(Connection connection, StatementCheck afterEach) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      int statements = 1 + random.nextInt(4);
      for (int i = 0; i < statements; i++) {
        String sql = randomStatement();
        statement.execute(sql);
        afterEach.after(sql);
      }
      if (random.nextInt(6) == 0) {
        connection.rollback();
      } else {
        connection.commit();
      }
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private String randomStatement() {
    int account = 1 + skewed(45);
    return switch (random.nextInt(21)) {
      case 0 -> "INSERT INTO accounts VALUES (" + (41 + random.nextInt(20)) + ", " + region() + ", 'gold', "
          + random.nextInt(500) + ", NULL) ON CONFLICT (id) DO UPDATE SET balance = EXCLUDED.balance";
      case 1 -> "UPDATE accounts SET balance = balance + " + (random.nextInt(200) - 100) + " WHERE id % 7 = "
          + random.nextInt(7);
      case 2 -> "UPDATE accounts SET region = " + region() + " WHERE id = " + account;
      case 3 -> "DELETE FROM accounts WHERE id = " + account;
      case 4, 5 -> "INSERT INTO events (account_id, kind, amount, note, merchant_id) SELECT " + account + ", "
          + kind() + ", " + (random.nextInt(300) - 50) + ", " + (random.nextBoolean() ? "NULL" : "'x'") + ", "
          + (random.nextInt(8) == 0 ? "NULL" : Integer.toString(1 + random.nextInt(14)))
          + " FROM generate_series(1, " + (1 + random.nextInt(3)) + ")";
      case 16 -> "UPDATE merchants SET category = " + (random.nextInt(3) == 0 ? "NULL" : kind())
          + " WHERE id = " + (1 + random.nextInt(12));
      case 17 -> random.nextBoolean() ? "DELETE FROM merchants WHERE id = " + (1 + random.nextInt(14))
          : "INSERT INTO merchants VALUES (" + (1 + random.nextInt(14)) + ", 'm', 'food') ON CONFLICT (id) DO UPDATE SET name = 'renamed'";
      case 18 -> "UPDATE events SET merchant_id = " + (1 + random.nextInt(14)) + " WHERE id % 23 = " + random.nextInt(23);
      case 6 -> "UPDATE events SET amount = amount + 1, kind = " + kind() + " WHERE id % 11 = " + random.nextInt(11);
      case 7 -> "UPDATE events SET account_id = " + account + " WHERE id % 13 = " + random.nextInt(13);
      case 8 -> "DELETE FROM events WHERE id % 17 = " + random.nextInt(17);
      case 9 -> "INSERT INTO readings VALUES (" + random.nextInt(6) + ", " + (random.nextInt(4) * 1.5) + ")";
      case 10 -> "DELETE FROM readings WHERE ctid IN (SELECT ctid FROM readings WHERE sensor = "
          + random.nextInt(6) + " LIMIT 1)";
      case 11 -> "INSERT INTO measurements VALUES (" + random.nextInt(100) + ", " + random.nextInt(5) + ", "
          + random.nextInt(20) + ")";
      case 12 -> "UPDATE measurements_late SET value = value + 1 WHERE sensor = " + random.nextInt(5);
      case 13 -> "UPDATE measurements SET day = (day + 40) % 100 WHERE sensor = " + random.nextInt(5);
      case 14 -> random.nextInt(4) == 0 ? "TRUNCATE readings" : "DELETE FROM measurements_early WHERE day = "
          + random.nextInt(50);
      case 19 -> "UPDATE events SET id = -id WHERE abs(id) % 29 = " + random.nextInt(29);
      case 20 -> random.nextInt(5) == 0 ? "TRUNCATE merchants"
          : "UPDATE accounts SET id = CASE WHEN id > 100 THEN id - 100 ELSE id + 100 END WHERE id IN (" + account
              + ", " + (account + 100) + ") AND (SELECT count(*) FROM accounts WHERE id IN (" + account + ", "
              + (account + 100) + ")) = 1";
      default -> "UPDATE events SET note = NULL WHERE id % 19 = " + random.nextInt(19);
    };
  }

  private int skewed(int bound) {
    return random.nextBoolean() ? random.nextInt(5) : random.nextInt(bound);
  }

  private String region() {
    return random.nextInt(6) == 0 ? "NULL" : "'" + new String[] {"north", "south", "east", "west"}[random.nextInt(4)] + "'";
  }

  private String kind() {
    return "'" + new String[] {"buy", "sell", "fee"}[random.nextInt(3)] + "'";
  }
}
