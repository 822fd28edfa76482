package dev.trickle.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.engine.RefreshCompiler;
import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.protocol.StreamTableStatus;
import dev.trickle.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Trickle without a superuser: a role that may only create schemas in the database (it then owns
 * pgtrickle and pgtrickle_changes) and tables in the schema its stream tables live in, and has
 * SELECT and TRIGGER on another role's tables, installs
 * the catalog and keeps stream tables over those tables exact while their owner writes and
 * alters them. Sources with row-level security are refused, whenever it is turned on.
 */
class LeastPrivilegeTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.create();
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
  private static final String NODE = "trickle_node_" + SUFFIX;
  private static final String APP = "app_owner_" + SUFFIX;
  private static final String READER = "reader_" + SUFFIX;
  private static DatabaseUrl node;
  private static DatabaseUrl app;
  private static DatabaseUrl reader;

  @BeforeAll
  static void createRoles() {
    String database = (String) db.queryValue("SELECT current_database()");
    db.execute("CREATE ROLE " + NODE + " LOGIN PASSWORD 'node-secret' NOSUPERUSER NOCREATEDB NOCREATEROLE",
        "CREATE ROLE " + APP + " LOGIN PASSWORD 'app-secret' NOSUPERUSER",
        "GRANT CREATE ON DATABASE " + database + " TO " + NODE, "GRANT CREATE ON SCHEMA public TO " + NODE,
        "CREATE SCHEMA app AUTHORIZATION " + APP);
    node = DatabaseUrl.of(db.url().jdbcUrl(), NODE, "node-secret");
    app = DatabaseUrl.of(db.url().jdbcUrl(), APP, "app-secret");
    execute(app, "CREATE TABLE app.orders (id int PRIMARY KEY, region text, amount int)",
        "INSERT INTO app.orders SELECT g, (ARRAY['north', 'south', 'east'])[1 + g % 3], g FROM generate_series(1, 60) g",
        "GRANT USAGE ON SCHEMA app TO " + NODE, "GRANT SELECT, TRIGGER ON app.orders TO " + NODE);
    CatalogInstaller.install(node);
    db.execute("CREATE ROLE " + READER + " LOGIN PASSWORD 'reader-secret' NOSUPERUSER",
        "CREATE SCHEMA reader_space AUTHORIZATION " + READER);
    reader = DatabaseUrl.of(db.url().jdbcUrl(), READER, "reader-secret");
    execute(reader, "GRANT USAGE, CREATE ON SCHEMA reader_space TO " + NODE);
    execute(app, "CREATE TABLE app.secrets (id int PRIMARY KEY, amount int)", "INSERT INTO app.secrets VALUES (1, 100)",
        "GRANT USAGE ON SCHEMA app TO " + READER, "GRANT SELECT ON app.orders TO " + READER,
        "GRANT SELECT, TRIGGER ON app.secrets TO " + NODE);
    execute(node, "GRANT USAGE ON SCHEMA pgtrickle TO " + READER);
  }

  @AfterAll
  static void dropRoles() {
    db.execute("DROP SCHEMA IF EXISTS pgtrickle, pgtrickle_changes CASCADE", "DROP SCHEMA app, reader_space CASCADE",
        "DROP OWNED BY " + NODE, "DROP OWNED BY " + APP, "DROP OWNED BY " + READER, "DROP ROLE " + NODE,
        "DROP ROLE " + APP, "DROP ROLE " + READER);
  }

  private static void execute(DatabaseUrl url, String... statements) {
    try (Connection connection = url.connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  @Test
  void shouldMaintainStreamTablesOverAnotherRolesTablesWithoutSuperuser() {
    assertEquals(false, db.queryValue("SELECT rolsuper FROM pg_roles WHERE rolname = '" + NODE + "'"));
    assertEquals(NODE, db.queryValue("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'pgtrickle'"));
    StreamTableDefinitions definitions = new StreamTableDefinitions(node::connect, new RefreshCompiler());
    definitions.create(new StreamTableDefinition("by_region",
        "SELECT region, sum(amount) AS total, count(*) AS n FROM app.orders GROUP BY region", "1m",
        RefreshMode.DIFFERENTIAL, true));
    definitions.compilePending();

    execute(app, "INSERT INTO app.orders VALUES (100, 'west', 7)", "UPDATE app.orders SET amount = amount * 2 WHERE id < 20",
        "DELETE FROM app.orders WHERE id BETWEEN 30 AND 35");
    execute(node, "SELECT pgtrickle.refresh_stream_table('by_region')");
    StreamTableVerifier verifier = new StreamTableVerifier(node::connect);
    assertTrue(verifier.compare("by_region").matches(), verifier.compare("by_region").toString());
    assertEquals("DIFFERENTIAL", db.queryValue("SELECT action FROM pgtrickle.pgt_refresh_history ORDER BY refresh_id DESC LIMIT 1"));

    execute(app, "ALTER TABLE app.orders ADD COLUMN note text", "INSERT INTO app.orders VALUES (101, 'north', 5, 'x')");
    execute(node, "SELECT pgtrickle.refresh_stream_table('by_region')");
    definitions.compilePending();
    execute(app, "UPDATE app.orders SET amount = 1 WHERE id = 101");
    execute(node, "SELECT pgtrickle.refresh_stream_table('by_region')");
    assertTrue(verifier.compare("by_region").matches(), "after the owner altered the table: " + verifier.compare("by_region"));
    assertEquals(StreamTableStatus.ACTIVE, new StreamTableCatalog(node::connect).find("by_region").status());

    execute(node, "SELECT pgtrickle.drop_stream_table('by_region')");
    assertEquals(4L, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'app.orders'::regclass "
        + "AND tgname LIKE 'pgtrickle_cdc_%'"), "only the owner may drop the capture triggers: they stay, doing nothing");
    execute(app, "INSERT INTO app.orders VALUES (102, 'east', 3, NULL)", "DELETE FROM app.orders WHERE id = 1");
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_change_tracking WHERE source_relid = "
        + "'app.orders'::regclass"), "no buffer is kept");
  }

  private static String error(DatabaseUrl url, String sql) {
    try (Connection connection = url.connect(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
      return null;
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  /**
   * A role that owns nothing of Trickle's (USAGE on schema pgtrickle only) defines, reads,
   * alters, refreshes and drops its own stream tables over what it may read; the functions run
   * with the catalog owner's rights, and refuse it anything further, leaving nothing behind.
   */
  @Test
  void shouldLetAnOrdinaryRoleUseTheSqlApiOnlyOnWhatItMayRead() {
    execute(reader, "SELECT pgtrickle.create_stream_table('reader_space.totals', "
        + "'SELECT region, sum(amount) AS total FROM app.orders GROUP BY region', '1m', 'DIFFERENTIAL')");
    assertEquals(READER, db.queryValue("SELECT owner_role::regrole::text FROM pgtrickle.pgt_stream_tables "
        + "WHERE pgt_name = 'totals'"));
    assertEquals(NODE, db.queryValue("SELECT tableowner::text FROM pg_tables WHERE tablename = 'totals'"));
    execute(app, "INSERT INTO app.orders VALUES (200, 'south', 1000)");
    execute(reader, "SELECT pgtrickle.alter_stream_table('reader_space.totals', schedule => '2m')",
        "SELECT pgtrickle.refresh_stream_table('reader_space.totals')",
        "SELECT pgtrickle.alter_stream_table('reader_space.totals', status => 'SUSPENDED')",
        "SELECT pgtrickle.resume_stream_table('reader_space.totals')");
    assertEquals("0", error(reader, "DO $$ BEGIN IF (SELECT count(*) FROM ("
        + "(SELECT region, total FROM reader_space.totals EXCEPT ALL SELECT region, sum(amount) FROM app.orders GROUP BY region) "
        + "UNION ALL (SELECT region, sum(amount) FROM app.orders GROUP BY region EXCEPT ALL SELECT region, total "
        + "FROM reader_space.totals)) d) <> 0 THEN RAISE EXCEPTION 'differs'; END IF; RAISE EXCEPTION '0'; END $$")
        .replaceAll("(?s)^ERROR: (\\S+).*", "$1"), "the reader reads its table, equal to its query");

    long before = db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables");
    String create = "SELECT pgtrickle.create_stream_table('reader_space.leak', ";
    assertRefused(reader, create + "'SELECT sum(amount) AS s FROM app.secrets')", "permission denied for table secrets");
    assertRefused(reader, "SELECT pgtrickle.create_stream_table('app.mine', 'SELECT id FROM app.orders')",
        "permission denied for schema app: role " + READER + " may not create tables in it");
    execute(reader, "CREATE FUNCTION reader_space.twice(int) RETURNS int LANGUAGE sql AS 'SELECT 2 * $1'");
    assertRefused(reader, create + "'SELECT reader_space.twice(amount) AS a FROM app.orders')",
        "may call only built-in functions and operators, not reader_space.twice(integer)");
    assertRefused(reader, create + "'SELECT id FROM app.orders', sink => 'ducklake', ducklake_sink_path => 'file:///tmp/x/')",
        "only the catalog owner may add or remove sinks");
    assertRefused(reader, "SET search_path = reader_space, pg_catalog; " + create + "'SELECT id FROM app.orders')",
        "refuses a search_path that puts schema reader_space before pg_catalog");
    assertRefused(reader, "CREATE TEMP VIEW peek AS SELECT amount FROM app.secrets; "
        + "SELECT pgtrickle._create_stream_table('peek'::regclass, 'reader_space.peek', 'SELECT 1', 'calculated', 'AUTO', "
        + "true, NULL, NULL, NULL, NULL, NULL)", "may not read app.secrets");

    execute(node, "SELECT pgtrickle.create_stream_table('secret_total', 'SELECT sum(amount) AS s FROM app.secrets')");
    before++;
    for (String sql : new String[] {"SELECT pgtrickle.drop_stream_table('public.secret_total')",
        "SELECT pgtrickle.refresh_stream_table('public.secret_total')",
        "SELECT pgtrickle.alter_stream_table('public.secret_total', query => 'SELECT 1 AS s')",
        "SELECT pgtrickle.alter_stream_table('public.secret_total', status => 'SUSPENDED')"}) {
      assertRefused(reader, sql, "permission denied for stream table public.secret_total: it belongs to role " + NODE);
    }
    assertTrue(error(reader, "SELECT * FROM public.secret_total").contains("permission denied"), "nor may it read it");
    assertEquals(before, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables"), "nothing was created or dropped");
    assertEquals(null, db.queryValue("SELECT to_regclass('reader_space.leak')"));

    execute(reader, "SELECT pgtrickle.drop_stream_table('reader_space.totals')");
    assertEquals(null, db.queryValue("SELECT to_regclass('reader_space.totals')"));
    execute(node, "SELECT pgtrickle.drop_stream_table('secret_total')");
  }

  private static void assertRefused(DatabaseUrl url, String sql, String reason) {
    String refused = error(url, sql);
    assertTrue(refused != null && refused.contains(reason), sql + " said: " + refused);
  }

  @Test
  void shouldRefuseSourcesWithRowLevelSecurityWheneverItIsTurnedOn() {
    execute(app, "CREATE TABLE app.accounts (id int PRIMARY KEY, owner text, balance int)",
        "INSERT INTO app.accounts VALUES (1, 'ann', 10), (2, 'bob', 20)",
        "ALTER TABLE app.accounts ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY own_rows ON app.accounts USING (owner = current_user)",
        "CREATE VIEW app.account_view AS SELECT owner, balance FROM app.accounts",
        "GRANT SELECT, TRIGGER ON app.accounts TO " + NODE, "GRANT SELECT ON app.account_view TO " + NODE);
    for (String query : new String[] {"SELECT owner, sum(balance) AS total FROM app.accounts GROUP BY owner",
        "SELECT owner, balance FROM app.account_view"}) {
      String refused = error(node, "SELECT pgtrickle.create_stream_table('balances', '" + query.replace("'", "''") + "')");
      assertTrue(refused != null && refused.contains("cannot read app.accounts because it has row-level security"),
          query + ": " + refused);
      assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'balances'"));
      assertEquals(null, db.queryValue("SELECT to_regclass('public.balances')"), "nothing left behind");
    }

    execute(app, "CREATE TABLE app.payments (id int PRIMARY KEY, owner text, amount int)",
        "INSERT INTO app.payments VALUES (1, 'ann', 5)", "GRANT SELECT, TRIGGER ON app.payments TO " + NODE);
    execute(node, "SELECT pgtrickle.create_stream_table('paid', 'SELECT owner, sum(amount) AS total FROM app.payments GROUP BY owner')");
    execute(app, "ALTER TABLE app.payments ENABLE ROW LEVEL SECURITY", "INSERT INTO app.payments VALUES (2, 'bob', 6)");
    String failed = error(node, "SELECT pgtrickle.refresh_stream_table('paid')");
    StreamTableInfo paid = new StreamTableCatalog(node::connect).find("paid");
    assertEquals(StreamTableStatus.ERROR, paid.status(), "refresh said: " + failed);
    assertTrue(paid.lastError().contains("row-level security"), paid.lastError());
    assertFalse(paid.lastError().isBlank());
  }

  @Test
  void shouldNameTheSourceItMayNotRead() {
    execute(app, "CREATE TABLE app.salaries (id int PRIMARY KEY, amount int)");
    String refused = error(node, "SELECT pgtrickle.create_stream_table('payroll', 'SELECT sum(amount) AS total FROM app.salaries')");
    assertTrue(refused != null && refused.contains("permission denied for table salaries"), refused);
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE pgt_name = 'payroll'"));
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'app.salaries'::regclass"),
        "no capture installed");
  }
}
