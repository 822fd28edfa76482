package dev.trickle.engine.delta;

import dev.trickle.engine.Sql;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.QueryNode;
import dev.trickle.engine.model.RecursiveQuery;
import dev.trickle.engine.model.UnionAll;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles queries used as FROM items: blocks that select and join, blocks that group or use
 * DISTINCT, and UNION ALL of such queries. The change of a grouping block is the affected
 * groups' rows computed on the current state (+1) and on the exact old state (−1).
 */
final class SubqueryCompiler {
  private SubqueryCompiler() {}

  static Subquery compile(QueryNode query, ProgramContext context, String name) {
    if (query instanceof UnionAll union) {
      return union(union, context, name);
    }
    if (query instanceof RecursiveQuery recursive) {
      return recursive(recursive, context, name);
    }
    Block block = (Block) query;
    if (block.limited()) {
      throw new UnsupportedQueryException("LIMIT inside a subquery");
    }
    if (block.windowed()) {
      return windowed(block, context, name);
    }
    return block.aggregated() || block.distinct() ? grouped(block, context, name) : projection(block, context, name);
  }

  /**
   * A block with window functions over rows: the partitions its input change touched are
   * recomputed whole, on the current state (+1) and on the exact old state (−1).
   */
  private static Subquery windowed(Block block, ProgramContext context, String name) {
    if (block.aggregated() || block.distinct()) {
      throw new UnsupportedQueryException("a window function over groups or with DISTINCT inside a subquery");
    }
    CoreQuery core = context.core(block);
    requireKeys(core);
    GroupKeys keys = GroupKeys.ofExpressions(
        WindowDeltaRule.commonPartition(block).stream().map(Object::toString).toList());
    List<String> select = new ArrayList<>(outputs(block));
    select.add(RowIds.of(core.lineage()) + " AS __pgt_k1");
    String list = String.join(", ", select);
    String newSql = context.currentTables("SELECT " + list + core.fromWhere(alias -> ItemForm.NEW, core.where(), new Ctes()));
    return new SimpleSubquery(newSql, block.columnNames(), ctes -> {
      String input = ctes.add("__pgt_sin", context.blockDelta(block, keys.probe(), ctes));
      String restriction = keys.restriction(keys.size() == 0 ? input : ctes.add("__pgt_sag", keys.distinct(input)));
      String where = core.where() == null ? restriction : "(" + core.where() + ") AND " + restriction;
      String changes = ctes.add("__pgt_sz", "SELECT " + list + ", 1::bigint AS __pgt_w"
          + core.fromWhere(alias -> ItemForm.NEW, where, ctes) + "\nUNION ALL\n" + context.oldTables("SELECT " + list
          + ", -1::bigint AS __pgt_w" + core.fromWhere(alias -> ItemForm.OLD_EXACT, where, ctes), ctes));
      return consolidated(name, block, changes, ctes);
    });
  }

  /**
   * A recursive CTE: evaluated on the tables as they are and as they were before the change, its
   * rows identified by their values (and, under UNION ALL, their occurrence among equal rows);
   * only the rows that differ flow on.
   */
  private static Subquery recursive(RecursiveQuery recursive, ProgramContext context, String name) {
    List<String> columns = quotedNames(recursive);
    String list = String.join(", ", columns);
    List<String> identity = new ArrayList<>(columns);
    if (!recursive.distinct()) {
      identity.add("row_number() OVER (PARTITION BY " + list + ")");
    }
    String keyed = "SELECT " + list + ", " + RowIds.of(identity) + " AS __pgt_k1 FROM (" + recursive.sql() + ") __pgt_r";
    String newSql = context.currentTables(keyed);
    return new SimpleSubquery(newSql, recursive.columnNames(), ctes -> {
      String current = ctes.add("__pgt_rnew", newSql);
      String old = ctes.add("__pgt_rold", context.oldTables(keyed, ctes));
      return ctes.addNamed(name, "SELECT " + list + ", __pgt_k1, 1::bigint AS __pgt_w FROM " + current
          + " WHERE __pgt_k1 NOT IN (SELECT __pgt_k1 FROM " + old + ")\nUNION ALL\nSELECT " + list
          + ", __pgt_k1, -1::bigint FROM " + old + " WHERE __pgt_k1 NOT IN (SELECT __pgt_k1 FROM " + current + ")");
    });
  }

  /** The named CTE of a subquery's change: {@code changes} netted per identity and contents. */
  private static String consolidated(String name, Block block, String changes, Ctes ctes) {
    return ctes.addNamed(name, "SELECT " + String.join(", ", quotedNames(block)) + ", __pgt_k1, __pgt_net AS __pgt_w FROM ("
        + Consolidation.net(changes, quotedNames(block), List.of("__pgt_k1")) + ") __pgt_c");
  }

  private static void requireKeys(CoreQuery core) {
    for (RenderedItem item : core.items()) {
      if (item.lineage().isEmpty()) {
        throw new UnsupportedQueryException("rows of " + item.alias() + ", which has no primary key");
      }
    }
  }

  private static List<String> outputs(Block block) {
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < block.select().size(); i++) {
      outputs.add(block.select().get(i).expression() + " AS " + Sql.identifier(block.select().get(i).name()));
    }
    return outputs;
  }

  private static List<String> quotedNames(QueryNode query) {
    return query.columnNames().stream().map(Sql::identifier).toList();
  }

  private static Subquery projection(Block block, ProgramContext context, String name) {
    CoreQuery core = context.core(block);
    requireKeys(core);
    String identity = RowIds.of(core.lineage()) + " AS __pgt_k1";
    List<String> select = new ArrayList<>(outputs(block));
    select.add(identity);
    String newSql = context.currentTables("SELECT " + String.join(", ", select)
        + core.fromWhere(alias -> ItemForm.NEW, core.where(), new Ctes()));
    return new SimpleSubquery(newSql, block.columnNames(), ctes -> {
      return consolidated(name, block, ctes.add("__pgt_sz", context.blockDelta(block, select, ctes)), ctes);
    });
  }

  private static Subquery grouped(Block block, ProgramContext context, String name) {
    GroupKeys keys = block.aggregated() ? GroupKeys.of(block, AggregateDeltaRule.callNodes(block, context))
        : GroupKeys.ofExpressions(block.select().stream().map(c -> c.expression().toString()).toList());
    String newSql = groupedSql(block, context, keys, ItemForm.NEW, null, new Ctes());
    return new SimpleSubquery(newSql, block.columnNames(), ctes -> {
      String affected = keys.size() == 0 ? ctes.add("__pgt_sin", context.blockDelta(block, keys.probe(), ctes))
          : ctes.add("__pgt_sag", context.changedGroups(block, keys, ctes));
      String changes = ctes.add("__pgt_sz", "SELECT *, 1::bigint AS __pgt_w FROM ("
          + groupedSql(block, context, keys, ItemForm.NEW, affected, ctes) + ") __pgt_new\nUNION ALL\nSELECT *, -1::bigint FROM ("
          + groupedSql(block, context, keys, ItemForm.OLD_EXACT, affected, ctes) + ") __pgt_old");
      return consolidated(name, block, changes, ctes);
    });
  }

  /** The grouping block over items in one form, for all groups or (affected != null) the affected ones. */
  private static String groupedSql(Block block, ProgramContext context, GroupKeys keys, ItemForm form, String affected,
      Ctes ctes) {
    CoreQuery core = context.core(block);
    if (form == ItemForm.OLD_EXACT) {
      core.items().stream().filter(item -> item.lineage().isEmpty()).findFirst().ifPresent(item -> {
        throw new UnsupportedQueryException("a grouping subquery over " + item.alias() + ", which has no primary key");
      });
    }
    String where = core.where();
    if (affected != null) {
      String restriction = keys.restriction(affected);
      where = where == null ? restriction : "(" + where + ") AND " + restriction;
    }
    List<String> select = new ArrayList<>(outputs(block));
    select.add(RowIds.of(keys.expressions()) + " AS __pgt_k1");
    String sql = "SELECT " + (block.distinct() ? "DISTINCT " : "") + String.join(", ", select)
        + core.fromWhere(alias -> form, where, ctes);
    if (block.aggregated() && keys.size() > 0) {
      sql += "\n GROUP BY " + String.join(", ", keys.expressions());
    }
    if (block.having() != null) {
      sql += "\nHAVING " + block.having();
    }
    if (block.aggregated() && keys.size() == 0 && affected != null) {
      // An aggregate without GROUP BY yields a row even from no input: keep it only when changed.
      sql = "SELECT * FROM (" + sql + ") __pgt_g WHERE EXISTS (SELECT 1 FROM " + affected + ")";
    }
    return form == ItemForm.OLD_EXACT ? context.oldTables(sql, ctes) : context.currentTables(sql);
  }

  private static Subquery union(UnionAll union, ProgramContext context, String name) {
    List<Subquery> branches = new ArrayList<>();
    for (int i = 0; i < union.branches().size(); i++) {
      branches.add(compile(union.branches().get(i), context, name + "_b" + (i + 1)));
    }
    List<String> columns = union.columnNames();
    List<String> newParts = new ArrayList<>();
    for (int i = 0; i < branches.size(); i++) {
      newParts.add("SELECT " + positional(columns, branches.get(i).columns()) + ", " + RowIds.of(List.of(Integer.toString(i + 1),
          "__pgt_k1")) + " AS __pgt_k1 FROM (" + branches.get(i).newSql() + ") __pgt_b");
    }
    return new SimpleSubquery(String.join("\nUNION ALL\n", newParts), columns, ctes -> {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < branches.size(); i++) {
        parts.add("SELECT " + positional(columns, branches.get(i).columns()) + ", " + RowIds.of(List.of(Integer.toString(i + 1),
            "__pgt_k1")) + " AS __pgt_k1, __pgt_w FROM " + branches.get(i).deltaCte(ctes));
      }
      return ctes.addNamed(name, String.join("\nUNION ALL\n", parts));
    });
  }

  /** A branch's columns under the union's names. */
  private static String positional(List<String> names, List<String> branchColumns) {
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      columns.add(Sql.identifier(branchColumns.get(i)) + " AS " + Sql.identifier(names.get(i)));
    }
    return String.join(", ", columns);
  }

  /** A compiled subquery whose change CTE is built on first use in each statement. */
  private record SimpleSubquery(String newSql, List<String> columns, java.util.function.Function<Ctes, String> delta)
      implements Subquery {
    @Override
    public String deltaCte(Ctes ctes) {
      return delta.apply(ctes);
    }
  }
}
