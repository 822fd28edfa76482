package dev.trickle.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.catalog.StreamTableVerifier;
import dev.trickle.node.TrickleCli;
import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.testkit.Eventually;
import dev.trickle.testkit.RefreshHistoryChecks;
import dev.trickle.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes as separate JVMs starting and stopping: a node whose database is not there yet stays
 * up, reports not ready and sets the database up once it appears; a node stopped with SIGTERM,
 * or told to leave with {@code trickle cluster leave}, hands its stream tables over without a
 * failed or repeated refresh.
 */
class NodeLifecycleIT {
  @RegisterExtension static final TestDatabase db = TestDatabase.create().withSetup(CatalogInstaller::install);

  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() throws InterruptedException {
    for (NodeProcess node : nodes) {
      node.close();
    }
  }

  private static void execute(DatabaseUrl url, String... statements) throws Exception {
    try (Connection connection = url.connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  @Test
  void shouldStayUpNotReadyWhileItsDatabaseIsMissingAndServeItOnceItExists() throws Exception {
    String name = "trickle_late_" + UUID.randomUUID().toString().substring(0, 8);
    DatabaseUrl late = db.url().withDatabase(name);
    NodeProcess node = TestNodes.start("127.0.0.1", late.toLibpqUrl(), 18091, 18571);
    nodes.add(node);
    Eventually.holds("the node answers /alive", Duration.ofSeconds(60), node::alive);
    Eventually.holds("the node says why it is waiting", Duration.ofSeconds(20),
        () -> node.logTail(40).contains("is not ready, trying again"));
    assertFalse(node.ready(), "ready without its database");
    assertTrue(node.alive(), "the node stays up");

    execute(db.serverUrl(), "CREATE DATABASE " + name);
    try {
      Eventually.holds("the node becomes ready once the database exists", Duration.ofSeconds(30), node::ready);
      execute(late, "CREATE TABLE orders (id int PRIMARY KEY, amount int)", "INSERT INTO orders VALUES (1, 5)",
          "SELECT pgtrickle.create_stream_table('total', 'SELECT sum(amount) AS s FROM orders', '1s')",
          "INSERT INTO orders VALUES (2, 7)");
      Eventually.holds("the node refreshes the new database's stream tables", Duration.ofSeconds(20), () -> {
        try (Connection connection = late.connect(); Statement statement = connection.createStatement();
            var rows = statement.executeQuery("SELECT s FROM total")) {
          return rows.next() && rows.getLong(1) == 12;
        } catch (Exception e) {
          return false;
        }
      });
    } finally {
      node.close();
      nodes.clear();
      execute(db.serverUrl(), "DROP DATABASE " + name + " WITH (FORCE)");
    }
  }

  private String tableOwnedBy(NodeProcess owner) {
    return Eventually.until("a stream table lives on " + owner.address(), Duration.ofSeconds(60),
        () -> nodes.get(0).owners().entrySet().stream().filter(entry -> owner.address().equals(entry.getValue()))
            .map(Map.Entry::getKey).findFirst());
  }

  private static Duration refreshedAgain(String table, Instant since) {
    return Eventually.until(table + " refreshes again on a remaining node", Duration.ofSeconds(30), () -> {
      Object first = db.queryValue("SELECT min(h.start_time) FROM pgtrickle.pgt_refresh_history h "
          + "JOIN pgtrickle.pgt_stream_tables st USING (pgt_id) WHERE st.pgt_schema || '.' || st.pgt_name = '" + table
          + "' AND h.initiated_by = 'SCHEDULER' AND h.start_time > '" + since + "'::timestamptz");
      return Optional.ofNullable(first).map(start -> Duration.between(since, ((Timestamp) start).toInstant()));
    });
  }

  @Test
  void shouldHandItsStreamTablesOverWhenStoppedOrToldToLeave() throws Exception {
    db.execute("CREATE TABLE ev (id bigserial PRIMARY KEY, k int, v int)",
        "INSERT INTO ev (k, v) SELECT g % 12, g FROM generate_series(1, 120) g");
    for (int i = 0; i < 9; i++) {
      db.execute("SELECT pgtrickle.create_stream_table('st" + i + "', 'SELECT k, count(*) AS n, sum(v) AS s FROM ev "
          + "WHERE k % 9 = " + i + " GROUP BY k', '500ms')");
    }
    String url = db.url().toLibpqUrl();
    nodes.add(TestNodes.start("127.0.0.1", url, 18092, 18572));
    Eventually.holds("the first node is ready", Duration.ofSeconds(60), () -> nodes.get(0).ready());
    nodes.add(TestNodes.start("127.0.0.2", url, 18093, 18573));
    nodes.add(TestNodes.start("127.0.0.3", url, 18094, 18574));
    Eventually.holds("all nodes are ready", Duration.ofSeconds(60), () -> nodes.stream().allMatch(NodeProcess::ready));
    NodeProcess stopped = nodes.get(1);
    NodeProcess leaving = nodes.get(2);
    String stoppedTable = tableOwnedBy(stopped);
    String leavingTable = tableOwnedBy(leaving);

    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      while (writing.get()) {
        db.execute("INSERT INTO ev (k, v) SELECT g % 12, g FROM generate_series(1, 6) g");
        Eventually.sleep(100);
      }
    });
    writer.start();
    Eventually.sleep(1500);
    Instant stoppedAt = Instant.now();
    stopped.close();
    System.out.printf("graceful stop: %s refreshed again %d ms after SIGTERM%n", stoppedTable,
        refreshedAgain(stoppedTable, stoppedAt).toMillis());

    Instant leftAt = Instant.now();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exitCode = TrickleCli.execute(new String[] {"cluster", "leave", "127.0.0.3:" + TestNodes.CLUSTER_PORT,
        "--node", "127.0.0.1:18092", "--token", TestNodes.ADMIN_TOKEN}, new PrintStream(out, true, StandardCharsets.UTF_8),
        System.err);
    assertEquals(0, exitCode, out.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("leaving: " + leaving.address()),
        out.toString(StandardCharsets.UTF_8));
    System.out.printf("cluster leave: %s refreshed again %d ms after the command%n", leavingTable,
        refreshedAgain(leavingTable, leftAt).toMillis());
    Eventually.holds("the node that left exits", Duration.ofSeconds(30), () -> !leaving.running());
    writing.set(false);
    writer.join();

    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_refresh_history WHERE status <> 'COMPLETED'"),
        "no refresh failed while nodes left");
    StreamTableVerifier verifier = new StreamTableVerifier(db.url()::connect);
    for (int i = 0; i < 9; i++) {
      assertTrue(verifier.verify("st" + i).matches(), "st" + i + " equals its query");
    }
    assertEquals(0L, db.queryLong(RefreshHistoryChecks.BROKEN_FRONTIER_CHAINS),
        "every refresh started at the frontier the previous one ended at");
  }
}
