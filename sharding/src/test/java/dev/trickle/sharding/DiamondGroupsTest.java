package dev.trickle.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.catalog.StreamTableEdge;
import dev.trickle.catalog.StreamTableSource;
import dev.trickle.protocol.StreamTableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DiamondGroupsTest {
  /** Relation oids: base tables are 100+, stream table n is stored in relation 1000+n. */
  private static final long TRANSACTIONS = 100;
  private static final long USERS = 101;
  private static final long MERCHANTS = 102;

  private final List<StreamTableSource> sources = new ArrayList<>();
  private final List<StreamTableEdge> edges = new ArrayList<>();

  private static StreamTableId id(long value) {
    return new StreamTableId(value);
  }

  private void readsTable(long consumer, long relid) {
    sources.add(new StreamTableSource(id(consumer), relid, Optional.empty()));
  }

  private void readsStreamTable(long consumer, long upstream) {
    sources.add(new StreamTableSource(id(consumer), 1000 + upstream, Optional.of(id(upstream))));
    edges.add(new StreamTableEdge(id(consumer), id(upstream)));
  }

  private Map<StreamTableId, List<StreamTableId>> groups(int tables, long... atomicApexes) {
    RefreshDag dag = RefreshDag.of(LongStream.rangeClosed(1, tables).mapToObj(DiamondGroupsTest::id).toList(), edges);
    return DiamondGroups.of(dag, LongStream.of(atomicApexes).mapToObj(DiamondGroupsTest::id).toList(), sources);
  }

  /** The fraud scenario: 1 user_velocity, 2 merchant_stats, 3 country_risk, 4 risk_scores. */
  private void fraudShape() {
    readsTable(1, TRANSACTIONS);
    readsTable(2, TRANSACTIONS);
    readsStreamTable(3, 1);
    readsTable(3, USERS);
    readsTable(4, TRANSACTIONS);
    readsStreamTable(4, 1);
    readsStreamTable(4, 2);
  }

  @Test
  void shouldGroupTheApexWithTheTablesBetweenItAndTheSharedSource() {
    fraudShape();
    assertEquals(Map.of(id(4), List.of(id(1), id(2), id(4))), groups(4, 4));
  }

  @Test
  void shouldGroupNothingWhenTheApexIsNotAtomic() {
    fraudShape();
    assertEquals(Map.of(), groups(4));
  }

  @Test
  void shouldGroupNothingWhenTheInputsShareNoSource() {
    readsTable(1, USERS);
    readsTable(2, MERCHANTS);
    readsStreamTable(3, 1);
    readsStreamTable(3, 2);
    assertEquals(Map.of(), groups(3, 3));
  }

  @Test
  void shouldIncludeEveryTableOnTheBranchesOfADeeperDiamond() {
    // transactions -> 1 -> 2 -> 4 and transactions -> 3 -> 4; 5 reads users only, joined at 4.
    readsTable(1, TRANSACTIONS);
    readsStreamTable(2, 1);
    readsTable(3, TRANSACTIONS);
    readsTable(5, USERS);
    readsStreamTable(4, 2);
    readsStreamTable(4, 3);
    readsStreamTable(4, 5);
    assertEquals(Map.of(id(4), List.of(id(1), id(3), id(2), id(4))), groups(5, 4));
  }

  @Test
  void shouldReachUpToTheHighestSharedRelation() {
    // 1 reads transactions; 2 and 3 both read 1; 4 joins 2 and 3. Both 1 and transactions
    // reach 4 through both branches, so 1 refreshes in the group too.
    readsTable(1, TRANSACTIONS);
    readsStreamTable(2, 1);
    readsStreamTable(3, 1);
    readsStreamTable(4, 2);
    readsStreamTable(4, 3);
    assertEquals(List.of(id(1), id(2), id(3), id(4)), groups(4, 4).get(id(4)));
  }
}
