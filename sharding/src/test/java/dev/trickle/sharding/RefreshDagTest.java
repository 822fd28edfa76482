package dev.trickle.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.catalog.StreamTableEdge;
import dev.trickle.protocol.StreamTableId;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RefreshDagTest {
  private static StreamTableId id(long value) {
    return new StreamTableId(value);
  }

  private static StreamTableEdge edge(long consumer, long upstream) {
    return new StreamTableEdge(id(consumer), id(upstream));
  }

  /** The fraud scenario: three level-1 tables, a diamond at level 2, roll-ups at level 3. */
  static RefreshDag fraudShape() {
    return RefreshDag.of(LongStream.rangeClosed(1, 7).mapToObj(RefreshDagTest::id).toList(), List.of(
        edge(4, 1), edge(4, 2),   // risk_scores reads user_velocity and merchant_stats
        edge(5, 1),               // country_risk reads user_velocity
        edge(6, 4), edge(7, 4)));  // alert_summary, top_risky_merchants read risk_scores
  }

  @Test
  void shouldOrderEveryTableAfterItsUpstreams() {
    RefreshDag dag = fraudShape();
    List<StreamTableId> order = dag.topologicalOrder();
    assertEquals(7, order.size());
    for (StreamTableId table : order) {
      for (StreamTableId upstream : dag.upstreams(table)) {
        assertTrue(order.indexOf(upstream) < order.indexOf(table), upstream + " before " + table);
      }
    }
  }

  @Test
  void shouldComputeLevels() {
    assertEquals(Map.of(id(1), 1, id(2), 1, id(3), 1, id(4), 2, id(5), 2, id(6), 3, id(7), 3), fraudShape().levels());
  }

  @Test
  void shouldRejectCycles() {
    CycleException error = assertThrows(CycleException.class,
        () -> RefreshDag.of(List.of(id(1), id(2), id(3)), List.of(edge(2, 1), edge(3, 2), edge(2, 3))));
    assertTrue(error.getMessage().contains("2, 3"), error.getMessage());
  }

  @Test
  void shouldIgnoreEdgesToUnknownTables() {
    RefreshDag dag = RefreshDag.of(List.of(id(1)), List.of(edge(1, 9)));
    assertEquals(List.of(id(1)), dag.topologicalOrder());
    assertTrue(dag.upstreams(id(1)).isEmpty());
  }
}
