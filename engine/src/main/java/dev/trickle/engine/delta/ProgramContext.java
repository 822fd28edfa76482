package dev.trickle.engine.delta;

import dev.trickle.engine.OutputColumnInfo;
import dev.trickle.engine.SchemaCatalog;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.DerivedItem;
import dev.trickle.engine.model.FromItem;
import dev.trickle.engine.model.LateralItem;
import dev.trickle.engine.model.RecursiveQuery;
import dev.trickle.engine.model.QueryNode;
import dev.trickle.engine.model.SubqueryTables;
import dev.trickle.engine.model.TableItem;
import dev.trickle.engine.model.UnionAll;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/** Everything the rules share while compiling one stream table. Not thread-safe. */
final class ProgramContext {
  private final SchemaCatalog catalog;
  private final List<OutputColumnInfo> outputs;
  private final SourceDeltas sources;
  private final List<String> rowIdPrefix;
  private final Map<DerivedItem, String> cteNames;

  ProgramContext(SchemaCatalog catalog, List<OutputColumnInfo> outputs, QueryNode query) {
    this(catalog, outputs, new SourceDeltas(), List.of(), new java.util.IdentityHashMap<>());
    register(query);
  }

  private ProgramContext(SchemaCatalog catalog, List<OutputColumnInfo> outputs, SourceDeltas sources,
      List<String> rowIdPrefix, Map<DerivedItem, String> cteNames) {
    this.cteNames = cteNames;
    this.catalog = catalog;
    this.outputs = List.copyOf(outputs);
    this.sources = sources;
    this.rowIdPrefix = rowIdPrefix;
  }

  /** The same context for one branch of a top-level UNION ALL: row ids also hash the branch. */
  ProgramContext branch(int number) {
    return new ProgramContext(catalog, outputs, sources, List.of(Integer.toString(number)), cteNames);
  }

  /** The name of the CTE holding a subquery's change: numbered in compile order, so unique within the program. */
  String cteName(DerivedItem item) {
    return cteNames.computeIfAbsent(item,
        key -> "__pgt_sub" + (cteNames.size() + 1) + "_" + key.alias().replaceAll("[^a-z0-9_]", "_"));
  }

  /** SQL for the stream table row id of a row identified by {@code values}. */
  String rowId(List<String> values) {
    List<String> all = new java.util.ArrayList<>(rowIdPrefix);
    all.addAll(values);
    return RowIds.of(all);
  }

  private void register(QueryNode query) {
    walk(query, (block, table) -> {
      sources.register(table);
      if (block != null) {
        block.subqueries().forEach(subquery -> sources.registerReferenced(table, subquery.sql()));
        String condition = PushedFilters.of(block, table);
        if (condition != null) {
          sources.pushFilter(table, condition);
        }
        sources.pushSemiJoins(table, PushedFilters.semiJoins(block, table));
      }
    }, sources::registerTokens);
  }

  /** The oids of the relations a query reads, in FROM, in subqueries and in recursions. */
  static Set<Long> sourcesOf(QueryNode query) {
    Set<Long> oids = new HashSet<>();
    walk(query, (block, table) -> oids.add(table.relation().oid()), sql -> oids.addAll(SubqueryTables.oids(sql)));
    return oids;
  }

  /**
   * Visits every table a query reads in FROM, with its block (null for a recursion's tables),
   * and every text that reads tables by {@link SubqueryTables} tokens (recursions, LATERAL
   * items, expression subqueries), in FROM order, subqueries after their block's items.
   */
  private static void walk(QueryNode query, BiConsumer<Block, TableItem> tables, Consumer<String> tokenized) {
    if (query instanceof UnionAll union) {
      union.branches().forEach(branch -> walk(branch, tables, tokenized));
      return;
    }
    if (query instanceof RecursiveQuery recursive) {
      recursive.tables().forEach(table -> tables.accept(null, table));
      tokenized.accept(recursive.sql());
      return;
    }
    Block block = (Block) query;
    if (block.from() != null) {
      for (FromItem item : block.from().items()) {
        if (item instanceof TableItem table) {
          tables.accept(block, table);
        } else if (item instanceof DerivedItem derived) {
          walk(derived.query(), tables, tokenized);
        } else if (item instanceof LateralItem lateral) {
          tokenized.accept(lateral.rows());
        }
      }
    }
    block.subqueries().forEach(subquery -> {
      tokenized.accept(subquery.sql());
      walk(subquery.query(), tables, tokenized);
    });
  }

  /** The column types of a generated query, asked of the catalog (subquery tables read as they are now). */
  List<String> typesOf(String query) {
    return catalog.typesOf(currentTables(query));
  }

  /** The SQL with the tables of expression subqueries read as they are now. */
  String currentTables(String sql) {
    return SubqueryTables.replace(sql, oid -> sources.relation(oid).qualifiedName());
  }

  /**
   * The SQL with the tables of expression subqueries read as they were before the change
   * (subqueries reading one table shaped for PostgreSQL's planner, see {@link OldSubqueries}).
   */
  String oldTables(String sql, Ctes ctes) {
    return oldTables(sql, ctes, (subquery, column) -> null);
  }

  /**
   * {@link #oldTables(String, Ctes)} for rows whose columns take only known values: for a
   * subquery and a column of an enclosing block, {@code outerValues} gives SQL selecting them
   * (null when unknown).
   */
  String oldTables(String sql, Ctes ctes, BiFunction<String, ColumnRef, String> outerValues) {
    String rendered = new OldSubqueries(sources::relation, sources.oldRendering(ctes), outerValues).render(sql);
    return SubqueryTables.replace(rendered, oid -> sources.oldRows(sources.relation(oid), ctes));
  }

  SchemaCatalog catalog() {
    return catalog;
  }

  /** The stream table's query columns, in storage order. */
  List<OutputColumnInfo> outputs() {
    return outputs;
  }

  SourceDeltas sources() {
    return sources;
  }

  /** A block's FROM items rendered for SQL generation. */
  CoreQuery core(Block block) {
    Map<String, RenderedItem> items = new LinkedHashMap<>();
    if (block.from() != null) {
      for (FromItem item : block.from().items()) {
        items.put(item.alias(), rendered(item));
      }
    }
    return new CoreQuery(block, items, sources);
  }

  private RenderedItem rendered(FromItem item) {
    if (item instanceof TableItem table) {
      return new TableRendering(table, sources);
    }
    if (item instanceof DerivedItem derived) {
      return DerivedRendering.of(derived, this);
    }
    return new LateralRendering((LateralItem) item, this);
  }

  /** The change of a block as a Z-set with the given select list. */
  String blockDelta(Block block, List<String> select, Ctes ctes) {
    return blockDelta(block, core(block), select, ctes);
  }

  private String blockDelta(Block block, CoreQuery core, List<String> select, Ctes ctes) {
    return affectedRows(block) ? AffectedRowsDeltaRule.delta(core, select, ctes, this) : JoinDeltaRule.delta(core, select, ctes);
  }

  /**
   * SQL selecting the distinct keys ({@code __pgt_g1}, ...) of the groups of an aggregated block
   * that its change may touch (at least one key): those of its changed rows, or of its candidate
   * rows where {@link AffectedRowsDeltaRule#candidateGroups} can name them.
   */
  String changedGroups(Block block, GroupKeys keys, Ctes ctes) {
    CoreQuery core = core(block);
    String candidates = affectedRows(block) ? AffectedRowsDeltaRule.candidateGroups(core, keys, ctes, this) : null;
    return candidates != null ? candidates : keys.distinct(ctes.add("__pgt_in", blockDelta(block, core, keys.probe(), ctes)));
  }

  /** Whether a block's change is found by recomputing its affected rows (outer joins, LATERAL items, subqueries). */
  private static boolean affectedRows(Block block) {
    return block.from() != null
        && (block.from().hasOuterJoins() || block.from().hasLateralItems() || !block.subqueries().isEmpty());
  }
}
