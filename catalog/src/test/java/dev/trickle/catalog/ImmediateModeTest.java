package dev.trickle.catalog;

import static dev.trickle.catalog.CatalogTesting.assertMatchesQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.engine.UnsupportedRefreshModeException;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IMMEDIATE stream tables are current inside the writing transaction, after every statement,
 * also with concurrent writers at every isolation level.
 */
class ImmediateModeTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String DEADLOCK = "40P01";
  private static final List<String> TABLES = List.of("balances", "customer_totals", "big_spenders");

  private StreamTableDefinitions definitions;

  @BeforeEach
  void createSources() {
    definitions = CatalogTesting.definitions(db);
    db.execute(CatalogTesting.DROP_ALL_STREAM_TABLES,
        "DROP TABLE IF EXISTS ledger, customers",
        "CREATE TABLE customers (id int PRIMARY KEY, name text, region text)",
        "CREATE TABLE ledger (id serial PRIMARY KEY, customer_id int, amount int)",
        "INSERT INTO customers SELECT g, 'c' || g, (ARRAY['north', 'south', NULL])[1 + g % 3] FROM generate_series(1, 10) g",
        "INSERT INTO ledger (customer_id, amount) SELECT 1 + g % 12, g % 50 FROM generate_series(1, 200) g");
  }

  private StreamTableInfo create(String name, String query) {
    return definitions.create(new StreamTableDefinition(name, query, "1m", RefreshMode.IMMEDIATE, true));
  }

  private void createAll() {
    create("balances", "SELECT customer_id, sum(amount) AS total, count(*) AS entries FROM ledger GROUP BY customer_id");
    create("customer_totals", "SELECT c.region, count(l.id) AS entries, sum(l.amount) AS total "
        + "FROM customers c LEFT JOIN ledger l ON l.customer_id = c.id GROUP BY c.region");
    create("big_spenders", "SELECT b.customer_id, b.total FROM balances b WHERE b.total > 400");
  }

  @Test
  void shouldBeCurrentAfterEveryStatementOfTheWritingTransaction() throws SQLException {
    createAll();
    assertEquals(Optional.of(RefreshMode.IMMEDIATE), new StreamTableCatalog(db.url()::connect).find("balances").effectiveMode());
    try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      for (String sql : List.of("INSERT INTO ledger VALUES (1000, 3, 500)", "UPDATE ledger SET customer_id = 11 WHERE id % 5 = 0",
          "DELETE FROM customers WHERE id = 2", "UPDATE customers SET region = 'west' WHERE id > 7",
          "DELETE FROM ledger WHERE amount < 10", "TRUNCATE customers")) {
        statement.execute(sql);
        assertCurrentWithin(connection, "after " + sql);
      }
      connection.rollback();
    }
    TABLES.forEach(name -> assertMatchesQuery(db, name, "after the rollback"));
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE initiated_by = 'IMMEDIATE'"),
        "the rolled-back refreshes left no history");
    db.execute("INSERT INTO ledger VALUES (2000, 4, 900)");
    TABLES.forEach(name -> assertMatchesQuery(db, name, "after an autocommitted insert"));
    assertEquals(List.of(List.of("DIFFERENTIAL", "IMMEDIATE")), db.query("SELECT DISTINCT action, initiated_by "
        + "FROM pgtrickle.pgt_refresh_history WHERE pgt_id = (pgtrickle._find('balances')).pgt_id AND initiated_by = 'IMMEDIATE'"));
  }

  @Test
  void shouldRefuseWhatTheDifferentialEngineCannotMaintain() {
    UnsupportedRefreshModeException error = assertThrows(UnsupportedRefreshModeException.class,
        () -> create("noisy", "SELECT id, random() AS r FROM ledger"));
    assertEquals("stream table 'public.noisy': IMMEDIATE refresh cannot maintain volatile function random(); "
        + "use refresh_mode => 'AUTO' or 'FULL'", error.getMessage());
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname = 'pgtrickle_ivm'"));
  }

  @Test
  void shouldInstallItsTriggerOnlyWhileImmediate() {
    create("balances", "SELECT customer_id, sum(amount) AS total FROM ledger GROUP BY customer_id");
    assertEquals(1L, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname = 'pgtrickle_ivm' AND tgrelid = 'ledger'::regclass"));
    definitions.alter("balances", modeOnly(RefreshMode.DIFFERENTIAL));
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname = 'pgtrickle_ivm'"));
    db.execute("INSERT INTO ledger VALUES (1000, 1, 1)");
    assertTrue(db.queryLong("SELECT total FROM balances WHERE customer_id = 1") < 1000);
    definitions.alter("balances", modeOnly(RefreshMode.IMMEDIATE));
    db.execute("INSERT INTO ledger VALUES (1001, 1, 1000)");
    assertMatchesQuery(db, "balances", "IMMEDIATE again");
    definitions.drop("balances", false);
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgname = 'pgtrickle_ivm'"));
  }

  @ParameterizedTest
  @ValueSource(ints = {Connection.TRANSACTION_READ_COMMITTED, Connection.TRANSACTION_REPEATABLE_READ,
      Connection.TRANSACTION_SERIALIZABLE})
  void shouldStayCurrentUnderConcurrentWriters(int isolation) throws Exception {
    createAll();
    int writers = 4;
    int transactionsEach = 15;
    AtomicInteger retries = new AtomicInteger();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int writer = 0; writer < writers; writer++) {
        long seed = 7919L * writer + isolation;
        done.add(pool.submit(() -> {
          write(isolation, new Random(seed), transactionsEach, retries, failures);
          return null;
        }));
      }
      Exception first = null;
      for (Future<?> future : done) {
        try {
          future.get();
        } catch (ExecutionException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(List.of(), failures);
    TABLES.forEach(name -> assertMatchesQuery(db, name, "after concurrent writers at isolation " + isolation));
    System.out.printf("immediate isolation %d: %d writers x %d transactions, %d retried after serialization failures%n",
        isolation, writers, transactionsEach, retries.get());
  }

  private static void write(int isolation, Random random, int transactions, AtomicInteger retries, List<String> failures)
      throws SQLException {
    try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(isolation);
      for (int done = 0; done < transactions; ) {
        List<String> transaction = randomTransaction(random);
        try {
          for (String sql : transaction) {
            statement.execute(sql);
            for (String table : TABLES) {
              Verification verification = StreamTableVerifier.compareWithin(connection, table);
              if (!verification.matches()) {
                failures.add(table + " after " + sql + " at isolation " + isolation + ": " + verification);
              }
            }
          }
          connection.commit();
          done++;
          Verification committed = new StreamTableVerifier(db.url()::connect).compare("balances");
          if (!committed.matches()) {
            failures.add("balances after committing " + transaction + " at isolation " + isolation + ": " + committed);
          }
        } catch (SQLException e) {
          connection.rollback();
          if (!SERIALIZATION_FAILURE.equals(e.getSQLState()) && !DEADLOCK.equals(e.getSQLState())) {
            throw e;
          }
          retries.incrementAndGet();
        }
      }
    }
  }

  private static List<String> randomTransaction(Random random) {
    List<String> statements = new ArrayList<>();
    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
      int customer = 1 + random.nextInt(12);
      statements.add(switch (random.nextInt(5)) {
        case 0 -> "INSERT INTO ledger (customer_id, amount) VALUES (" + customer + ", " + random.nextInt(100) + ")";
        case 1 -> "UPDATE ledger SET amount = amount + " + (random.nextInt(21) - 10) + " WHERE id % 17 = " + random.nextInt(17);
        case 2 -> "UPDATE ledger SET customer_id = " + customer + " WHERE id % 29 = " + random.nextInt(29);
        case 3 -> "DELETE FROM ledger WHERE id % 41 = " + random.nextInt(41);
        default -> "UPDATE customers SET region = " + (random.nextBoolean() ? "'east'" : "NULL") + " WHERE id = " + customer;
      });
    }
    return statements;
  }

  private static StreamTableAlteration modeOnly(RefreshMode mode) {
    return new StreamTableAlteration(Optional.empty(), Optional.empty(), Optional.of(mode), Optional.empty());
  }

  private static void assertCurrentWithin(Connection connection, String context) throws SQLException {
    for (String table : TABLES) {
      Verification verification = StreamTableVerifier.compareWithin(connection, table);
      assertTrue(verification.matches(), () -> context + ": " + verification);
    }
  }
}
