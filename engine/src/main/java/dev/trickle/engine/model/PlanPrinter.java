package dev.trickle.engine.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a query model as an indented operator tree, outermost operator first. */
public final class PlanPrinter {
  private PlanPrinter() {}

  /** The tree, one operator per line; subqueries in expressions are printed under their block. */
  public static String print(QueryNode query) {
    List<String> lines = new ArrayList<>();
    print(query, 0, lines);
    Map<Long, String> names = new HashMap<>();
    tables(query, names);
    return SubqueryTables.replace(String.join("\n", lines), names::get);
  }

  private static void tables(QueryNode query, Map<Long, String> names) {
    if (query instanceof UnionAll union) {
      union.branches().forEach(branch -> tables(branch, names));
      return;
    }
    if (query instanceof RecursiveQuery recursive) {
      recursive.tables().forEach(table -> names.put(table.relation().oid(), table.relation().qualifiedName()));
      return;
    }
    Block block = (Block) query;
    if (block.from() != null) {
      for (FromItem item : block.from().items()) {
        if (item instanceof TableItem table) {
          names.put(table.relation().oid(), table.relation().qualifiedName());
        } else if (item instanceof DerivedItem derived) {
          tables(derived.query(), names);
        }
      }
    }
    block.subqueries().forEach(subquery -> tables(subquery.query(), names));
  }

  private static void print(QueryNode query, int depth, List<String> lines) {
    if (query instanceof UnionAll union) {
      lines.add(indent(depth) + "UnionAll");
      union.branches().forEach(branch -> print(branch, depth + 1, lines));
      return;
    }
    if (query instanceof RecursiveQuery recursive) {
      lines.add(indent(depth) + "Recursive " + (recursive.distinct() ? "UNION " : "UNION ALL ") + recursive.columnNames()
          + " reads " + recursive.tables().stream().map(table -> table.relation().qualifiedName()).distinct().toList());
      return;
    }
    Block block = (Block) query;
    int level = depth;
    lines.add(indent(level++) + "Project " + block.columnNames());
    if (block.limited()) {
      lines.add(indent(level++) + "TopN order=" + block.orderBy() + " limit=" + block.limit() + " offset=" + block.offset());
    }
    if (block.distinct()) {
      lines.add(indent(level++) + "Distinct");
    }
    if (block.windowed()) {
      List<String> windows = block.select().stream()
          .flatMap(c -> Expressions.windowCalls(c.expression()).stream()).map(Object::toString).toList();
      lines.add(indent(level++) + "Window " + windows);
    }
    if (block.having() != null) {
      lines.add(indent(level++) + "Filter (HAVING) " + block.having());
    }
    if (block.aggregated()) {
      lines.add(indent(level++) + "Aggregate keys=" + block.groupBy());
    }
    if (block.where() != null) {
      lines.add(indent(level++) + "Filter " + block.where());
    }
    for (ExpressionSubquery subquery : block.subqueries()) {
      lines.add(indent(level) + "SubPlan " + subquery.kind() + (subquery.correlated() ? " correlated" : "")
          + (subquery.kind() == ExpressionSubquery.Kind.IN ? " tested=" + subquery.tested() : ""));
      print(subquery.query(), level + 1, lines);
    }
    if (block.from() != null) {
      printFrom(block.from(), level, lines);
    }
  }

  private static void printFrom(FromClause from, int depth, List<String> lines) {
    List<JoinStep> joins = from.joins();
    for (int i = joins.size() - 1; i >= 0; i--) {
      JoinStep join = joins.get(i);
      lines.add(indent(depth + joins.size() - 1 - i) + "Join " + join.kind()
          + (join.condition() == null ? "" : " ON " + join.condition()));
    }
    int itemDepth = depth + joins.size();
    printItem(from.first(), itemDepth, lines);
    for (int i = 0; i < joins.size(); i++) {
      printItem(joins.get(i).item(), depth + joins.size() - i, lines);
    }
  }

  private static void printItem(FromItem item, int depth, List<String> lines) {
    if (item instanceof TableItem table) {
      lines.add(indent(depth) + "Scan " + table.relation().qualifiedName() + " AS " + table.alias()
          + (table.keyed() ? " key=(" + String.join(", ", table.relation().key()) + ")" : " (no key)")
          + " columns=" + table.columns().stream().sorted().collect(Collectors.joining(", ", "[", "]")));
    } else if (item instanceof DerivedItem derived) {
      lines.add(indent(depth) + "Subquery AS " + derived.alias());
      print(derived.query(), depth + 1, lines);
    } else {
      LateralItem lateral = (LateralItem) item;
      lines.add(indent(depth) + "Lateral " + lateral.rows() + " AS " + lateral.alias()
          + lateral.columns().stream().collect(Collectors.joining(", ", "(", ")")));
    }
  }

  private static String indent(int depth) {
    return "  ".repeat(depth);
  }
}
