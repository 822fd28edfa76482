package dev.trickle.engine.delta;

import dev.trickle.engine.AuxColumn;
import dev.trickle.engine.model.Block;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.expression.Expression;

/**
 * The hidden state algebraic aggregates keep in storage, and how a change merges into it:
 * {@code __pgt_count} (rows in the group), {@code __pgt_a<i>} (the count or sum of aggregate i;
 * for avg its numeric sum) and {@code __pgt_n<i>} (the non-NULL inputs of sum and avg).
 * Calls written identically (such as {@code sum(score)} in the select list and in a window's
 * ORDER BY) share one state.
 *
 * <p>A DISTINCT call keeps the same state over the distinct values. Its change is found from
 * the (group, value) pairs the change touched: a pair's current multiplicity, read from the
 * block's rows of just those pairs, and the change's weight for it tell whether the value was
 * present before and is present now, and each value that appeared or vanished adds or takes
 * away one (and itself, for sum and avg).
 */
final class AggregateState {
  private final List<AggregateCall> calls;
  private final List<AggregateCall> slots = new ArrayList<>();
  private final Map<Expression, Integer> slotOf = new IdentityHashMap<>();
  private final ProgramContext context;
  private final Block block;
  private final GroupKeys keys;

  AggregateState(List<AggregateCall> calls, ProgramContext context, Block block, GroupKeys keys) {
    this.calls = calls;
    this.context = context;
    this.block = block;
    this.keys = keys;
    Map<String, Integer> bySignature = new HashMap<>();
    for (AggregateCall call : calls) {
      int slot = bySignature.computeIfAbsent(call.signature(), signature -> {
        slots.add(call);
        return slots.size() - 1;
      });
      slotOf.put(call.node(), slot);
    }
  }

  List<AuxColumn> auxColumns() {
    List<AuxColumn> aux = new ArrayList<>();
    aux.add(new AuxColumn("__pgt_count", "bigint"));
    for (int i = 0; i < slots.size(); i++) {
      AggregateCall call = slots.get(i);
      aux.add(new AuxColumn("__pgt_a" + (i + 1), call.name().equals("avg") ? "numeric" : call.resultType()));
      if (!call.name().equals("count")) {
        aux.add(new AuxColumn("__pgt_n" + (i + 1), "bigint"));
      }
    }
    return aux;
  }

  /** The state columns of a full refresh, computed by the block's own GROUP BY. */
  List<String> fullColumns() {
    List<String> columns = new ArrayList<>();
    columns.add("count(*) AS __pgt_count");
    for (int i = 0; i < slots.size(); i++) {
      AggregateCall call = slots.get(i);
      String argument = call.argument() == null ? null : (call.distinct() ? "DISTINCT " : "") + call.argument();
      String filter = call.filter() == null ? "" : " FILTER (WHERE " + call.filter() + ")";
      switch (call.name()) {
        case "count" -> columns.add(call.node() + " AS __pgt_a" + (i + 1));
        case "sum" -> {
          columns.add(call.node() + " AS __pgt_a" + (i + 1));
          columns.add("count(" + argument + ")" + filter + " AS __pgt_n" + (i + 1));
        }
        default -> {
          columns.add("sum(" + (call.distinct() ? "DISTINCT " : "") + "(" + call.argument() + ")::numeric)" + filter
              + " AS __pgt_a" + (i + 1));
          columns.add("count(" + argument + ")" + filter + " AS __pgt_n" + (i + 1));
        }
      }
    }
    return columns;
  }

  /** The select list for a block's change feeding {@link #changedGroups}: keys, arguments, filters. */
  List<String> inputColumns(GroupKeys keys) {
    List<String> select = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      select.add(keys.expressions().get(i) + " AS __pgt_g" + (i + 1));
    }
    for (int i = 0; i < slots.size(); i++) {
      AggregateCall call = slots.get(i);
      if (call.argument() != null) {
        select.add(call.argument() + " AS __pgt_x" + (i + 1));
      }
      if (call.filter() != null) {
        select.add("(" + call.filter() + ") AS __pgt_f" + (i + 1));
      }
    }
    if (select.isEmpty()) {
      select.add("1 AS __pgt_one");
    }
    return select;
  }

  /**
   * Defines CTEs giving each changed group's new state — columns __pgt_g<j>, __pgt_row_id,
   * __pgt_count, __pgt_a<i>, __pgt_n<i> — from the stored state plus the change in
   * {@code input}; returns the name of the last one. A group with count 0 has vanished.
   */
  String changedGroups(String input, Ctes ctes) {
    List<String> groupNames = keys.names();
    String grouped = perGroup(input, groupNames, ctes);
    String merged = ctes.add("__pgt_m", merged(grouped, groupNames));
    return ctes.add("__pgt_v", values(merged, groupNames));
  }

  private String perGroup(String input, List<String> groupNames, Ctes ctes) {
    List<String> columns = new ArrayList<>(groupNames);
    columns.add("sum(__pgt_w) AS __pgt_dcount");
    List<String> distinctColumns = new ArrayList<>();
    StringBuilder distinctJoins = new StringBuilder();
    for (int i = 0; i < slots.size(); i++) {
      AggregateCall call = slots.get(i);
      int n = i + 1;
      if (call.distinct()) {
        String change = distinctChange(n, input, groupNames, ctes);
        distinctColumns.add("x" + n + ".__pgt_d" + n);
        if (!call.name().equals("count")) {
          distinctColumns.add("x" + n + ".__pgt_dn" + n);
        }
        distinctJoins.append(" LEFT JOIN ").append(change).append(" x").append(n).append(" ON ")
            .append(keysMatch("d", "x" + n));
        continue;
      }
      String counted = call.counted("__pgt_x" + n, "__pgt_f" + n);
      String filter = counted == null ? "" : " FILTER (WHERE " + counted + ")";
      switch (call.name()) {
        case "count" -> columns.add("sum(__pgt_w)" + filter + " AS __pgt_d" + n);
        case "sum" -> {
          columns.add("sum(__pgt_w * __pgt_x" + n + ")" + filter + " AS __pgt_d" + n);
          columns.add("sum(__pgt_w)" + filter + " AS __pgt_dn" + n);
        }
        default -> {
          columns.add("sum(__pgt_w * (__pgt_x" + n + ")::numeric)" + filter + " AS __pgt_d" + n);
          columns.add("sum(__pgt_w)" + filter + " AS __pgt_dn" + n);
        }
      }
    }
    String grouped = ctes.add("__pgt_dg", "SELECT " + String.join(", ", columns) + " FROM " + input
        + (groupNames.isEmpty() ? "" : " GROUP BY " + String.join(", ", groupNames)));
    if (distinctColumns.isEmpty()) {
      return grouped;
    }
    return ctes.add("__pgt_dg", "SELECT d.*, " + String.join(", ", distinctColumns) + " FROM " + grouped + " d"
        + distinctJoins);
  }

  /**
   * Defines the CTEs giving, per group the change touched, the change of DISTINCT call
   * {@code n}'s count (__pgt_d, or for sum and avg __pgt_dn) and sum (__pgt_d); returns the last.
   */
  private String distinctChange(int n, String input, List<String> groupNames, Ctes ctes) {
    AggregateCall call = slots.get(n - 1);
    String value = "__pgt_x" + n;
    List<String> pairColumns = new ArrayList<>(groupNames);
    pairColumns.add(value);
    String pairs = ctes.add("__pgt_dp", "SELECT " + String.join(", ", pairColumns) + ", sum(__pgt_w) AS __pgt_dw FROM "
        + input + " WHERE " + value + " IS NOT NULL" + (call.filter() == null ? "" : " AND __pgt_f" + n)
        + " GROUP BY " + String.join(", ", pairColumns) + " HAVING sum(__pgt_w) <> 0");
    CoreQuery core = context.core(block);
    String argument = "(" + call.argument() + ")";
    List<String> conditions = new ArrayList<>();
    if (core.where() != null) {
      conditions.add("(" + core.where() + ")");
    }
    if (call.filter() != null) {
      conditions.add("(" + call.filter() + ")");
    }
    conditions.add(keys.restriction(pairs));
    conditions.add(argument + " IN (SELECT " + value + " FROM " + pairs + ")");
    List<String> currentColumns = new ArrayList<>(keys.probe().subList(0, keys.size()));
    currentColumns.add(argument + " AS " + value);
    List<String> grouping = new ArrayList<>(keys.expressions());
    grouping.add(argument);
    String current = ctes.add("__pgt_dc", "SELECT " + String.join(", ", currentColumns) + ", count(*) AS __pgt_c"
        + core.fromWhere(alias -> ItemForm.NEW, String.join(" AND ", conditions), ctes)
        + "\n GROUP BY " + String.join(", ", grouping));
    String appeared = "(CASE WHEN coalesce(c.__pgt_c, 0) > 0 THEN 1 ELSE 0 END"
        + " - CASE WHEN coalesce(c.__pgt_c, 0) - p.__pgt_dw > 0 THEN 1 ELSE 0 END)";
    List<String> columns = new ArrayList<>();
    groupNames.forEach(name -> columns.add("p." + name));
    switch (call.name()) {
      case "count" -> columns.add("sum(" + appeared + ") AS __pgt_d" + n);
      case "sum" -> {
        columns.add("sum(" + appeared + " * p." + value + ") AS __pgt_d" + n);
        columns.add("sum(" + appeared + ") AS __pgt_dn" + n);
      }
      default -> {
        columns.add("sum(" + appeared + " * (p." + value + ")::numeric) AS __pgt_d" + n);
        columns.add("sum(" + appeared + ") AS __pgt_dn" + n);
      }
    }
    return ctes.add("__pgt_dd", "SELECT " + String.join(", ", columns) + " FROM " + pairs + " p LEFT JOIN " + current
        + " c ON " + keysMatch("p", "c") + " AND c." + value + " = p." + value
        + (groupNames.isEmpty() ? "" : " GROUP BY " + String.join(", ", columns.subList(0, groupNames.size()))));
  }

  /**
   * The join condition matching the group keys of two aliases (NULL keys match NULL keys;
   * then the keys' hashes are compared too, so that PostgreSQL can hash the join).
   */
  private String keysMatch(String left, String right) {
    List<String> matches = new ArrayList<>();
    if (keys.nullable().contains(true)) {
      matches.add(RowIds.of(keys.names().stream().map(name -> left + "." + name).toList()) + " = "
          + RowIds.of(keys.names().stream().map(name -> right + "." + name).toList()));
    }
    for (int i = 0; i < keys.size(); i++) {
      String name = "__pgt_g" + (i + 1);
      matches.add(left + "." + name + (keys.nullable().get(i) ? " IS NOT DISTINCT FROM " : " = ") + right + "." + name);
    }
    return matches.isEmpty() ? "true" : String.join(" AND ", matches);
  }

  private String merged(String grouped, List<String> groupNames) {
    List<String> qualified = groupNames.stream().map(g -> "d." + g).toList();
    List<String> columns = new ArrayList<>(qualified);
    columns.add(context.rowId(qualified) + " AS __pgt_row_id");
    columns.add("coalesce(s.__pgt_count, 0) + coalesce(d.__pgt_dcount, 0) AS __pgt_count");
    for (int i = 0; i < slots.size(); i++) {
      int n = i + 1;
      columns.add("coalesce(s.__pgt_a" + n + ", 0) + coalesce(d.__pgt_d" + n + ", 0) AS __pgt_raw" + n);
      if (!slots.get(i).name().equals("count")) {
        columns.add("coalesce(s.__pgt_n" + n + ", 0) + coalesce(d.__pgt_dn" + n + ", 0) AS __pgt_n" + n);
      }
    }
    return "SELECT " + String.join(", ", columns) + " FROM " + grouped + " d LEFT JOIN {{self}} s ON s.__pgt_row_id = "
        + context.rowId(qualified);
  }

  private String values(String merged, List<String> groupNames) {
    List<String> columns = new ArrayList<>(groupNames);
    columns.add("__pgt_row_id");
    columns.add("__pgt_count::bigint AS __pgt_count");
    for (int i = 0; i < slots.size(); i++) {
      int n = i + 1;
      AggregateCall call = slots.get(i);
      if (call.name().equals("count")) {
        columns.add("__pgt_raw" + n + "::bigint AS __pgt_a" + n);
      } else {
        String type = call.name().equals("avg") ? "numeric" : call.resultType();
        columns.add("(CASE WHEN __pgt_n" + n + " = 0 THEN NULL ELSE __pgt_raw" + n + " END)::" + type + " AS __pgt_a" + n);
        columns.add("__pgt_n" + n + "::bigint AS __pgt_n" + n);
      }
    }
    return "SELECT " + String.join(", ", columns) + " FROM " + merged;
  }

  /** Each call node's value computed from state columns of {@code alias}. */
  Map<Expression, String> finals(String alias) {
    Map<Expression, String> finals = new HashMap<>();
    for (AggregateCall call : calls) {
      int n = slotOf.get(call.node()) + 1;
      finals.put(call.node(), call.name().equals("avg")
          ? "(" + alias + ".__pgt_a" + n + " / NULLIF(" + alias + ".__pgt_n" + n + ", 0))" : alias + ".__pgt_a" + n);
    }
    return finals;
  }
}
