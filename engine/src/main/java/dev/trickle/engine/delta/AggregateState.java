package dev.trickle.engine.delta;

import dev.trickle.engine.AuxColumn;
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
 */
final class AggregateState {
  private final List<AggregateCall> calls;
  private final List<AggregateCall> slots = new ArrayList<>();
  private final Map<Expression, Integer> slotOf = new IdentityHashMap<>();
  private final ProgramContext context;

  AggregateState(List<AggregateCall> calls, ProgramContext context) {
    this.calls = calls;
    this.context = context;
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
      String argument = call.argument() == null ? null : call.argument().toString();
      String filter = call.filter() == null ? "" : " FILTER (WHERE " + call.filter() + ")";
      switch (call.name()) {
        case "count" -> columns.add(call.node() + " AS __pgt_a" + (i + 1));
        case "sum" -> {
          columns.add(call.node() + " AS __pgt_a" + (i + 1));
          columns.add("count(" + argument + ")" + filter + " AS __pgt_n" + (i + 1));
        }
        default -> {
          columns.add("sum((" + argument + ")::numeric)" + filter + " AS __pgt_a" + (i + 1));
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
  String changedGroups(String input, int keyCount, Ctes ctes) {
    List<String> groupNames = new ArrayList<>();
    for (int i = 1; i <= keyCount; i++) {
      groupNames.add("__pgt_g" + i);
    }
    String grouped = ctes.add("__pgt_dg", perGroup(input, groupNames));
    String merged = ctes.add("__pgt_m", merged(grouped, groupNames));
    return ctes.add("__pgt_v", values(merged, groupNames));
  }

  private String perGroup(String input, List<String> groupNames) {
    List<String> columns = new ArrayList<>(groupNames);
    columns.add("sum(__pgt_w) AS __pgt_dcount");
    for (int i = 0; i < slots.size(); i++) {
      AggregateCall call = slots.get(i);
      int n = i + 1;
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
    return "SELECT " + String.join(", ", columns) + " FROM " + input
        + (groupNames.isEmpty() ? "" : " GROUP BY " + String.join(", ", groupNames));
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
