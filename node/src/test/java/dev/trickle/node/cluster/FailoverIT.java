package dev.trickle.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.catalog.CatalogInstaller;
import dev.trickle.catalog.StreamTableVerifier;
import dev.trickle.testkit.Eventually;
import dev.trickle.testkit.RefreshHistoryChecks;
import dev.trickle.testkit.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes as separate JVMs on 127.0.0.1-3: stream tables spread over them; kill -9 of the
 * node owning one moves it to another node, which refreshes it again within 15 s; afterwards
 * every stream table equals its query and every refresh started at the frontier the previous
 * one ended at (no change applied twice, none skipped).
 */
class FailoverIT {
  @RegisterExtension static final TestDatabase db = TestDatabase.create().withSetup(CatalogInstaller::install);
  private static final int TABLES = 9;

  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() throws InterruptedException {
    for (NodeProcess node : nodes) {
      node.close();
    }
  }

  @Test
  void shouldRefreshTheStreamTablesOfAKilledNodeOnAnotherNodeWithinFifteenSeconds() throws Exception {
    db.execute("CREATE TABLE ev (id bigserial PRIMARY KEY, k int, v int)",
        "INSERT INTO ev (k, v) SELECT g % 30, g FROM generate_series(1, 300) g");
    for (int i = 0; i < TABLES; i++) {
      db.execute("SELECT pgtrickle.create_stream_table('st" + i + "', 'SELECT k, count(*) AS n, sum(v) AS s FROM ev "
          + "WHERE k % " + TABLES + " = " + i + " GROUP BY k', '1s')");
    }
    String url = db.url().toLibpqUrl();
    nodes.add(TestNodes.start("127.0.0.1", url, 18081, 18561));
    Eventually.holds("the first node is ready", Duration.ofSeconds(60), () -> nodes.get(0).ready());
    nodes.add(TestNodes.start("127.0.0.2", url, 18082, 18562));
    nodes.add(TestNodes.start("127.0.0.3", url, 18083, 18563));
    Eventually.holds("all three nodes are ready", Duration.ofSeconds(60),
        () -> nodes.stream().allMatch(NodeProcess::ready));
    NodeProcess victim = nodes.get(1);
    String table = Eventually.until("the stream tables spread to the second node", Duration.ofSeconds(60),
        () -> nodes.get(0).owners().entrySet().stream().filter(entry -> victim.address().equals(entry.getValue()))
            .map(Map.Entry::getKey).findFirst());

    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      while (writing.get()) {
        db.execute("INSERT INTO ev (k, v) SELECT g % 30, g FROM generate_series(1, 10) g");
        Eventually.sleep(100);
      }
    });
    writer.start();
    Eventually.sleep(2000);
    Instant killedAt = Instant.now();
    victim.kill();
    Duration moved = Eventually.until(table + " refreshes again on another node", Duration.ofSeconds(40), () -> {
      Object first = db.queryValue("SELECT min(start_time) FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables st "
          + "USING (pgt_id) WHERE st.pgt_schema || '.' || st.pgt_name = '" + table + "' AND h.initiated_by = 'SCHEDULER' "
          + "AND h.start_time > '" + killedAt + "'::timestamptz");
      return Optional.ofNullable(first).map(start -> Duration.between(killedAt, ((java.sql.Timestamp) start).toInstant()));
    });
    System.out.printf("failover: %s refreshed again %d ms after its node was killed%n", table, moved.toMillis());
    assertTrue(moved.compareTo(Duration.ofSeconds(15)) < 0, table + " refreshed again only after " + moved);
    String newOwner = Eventually.until("the shards API shows the new owner", Duration.ofSeconds(20),
        () -> Optional.ofNullable(nodes.get(0).owners().get(table)).filter(owner -> !owner.equals(victim.address())));
    assertTrue(newOwner.equals(nodes.get(0).address()) || newOwner.equals(nodes.get(2).address()), newOwner);

    writing.set(false);
    writer.join();
    StreamTableVerifier verifier = new StreamTableVerifier(db.url()::connect);
    for (int i = 0; i < TABLES; i++) {
      assertTrue(verifier.verify("st" + i).matches(), "st" + i + " equals its query");
    }
    assertEquals(0L, db.queryLong(RefreshHistoryChecks.BROKEN_FRONTIER_CHAINS),
        "every refresh started at the frontier the previous one ended at");
  }
}
