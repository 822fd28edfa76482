package dev.trickle.engine.delta;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The CTEs of one generated statement, in definition order; names are unique. */
final class Ctes {
  private final Map<String, String> bodies = new LinkedHashMap<>();
  private final Map<String, List<String>> recursiveColumns = new LinkedHashMap<>();
  private int counter;

  /** Adds a CTE (MATERIALIZED) and returns its name. */
  String add(String prefix, String body) {
    String name = prefix + (++counter);
    bodies.put(name, body);
    return name;
  }

  /** Adds a CTE under a fixed name unless it exists; returns the name. */
  String addNamed(String name, String body) {
    bodies.putIfAbsent(name, body);
    return name;
  }

  /** Adds a recursive CTE under a fixed name (its body reads it) with these (quoted) column names. */
  void addRecursive(String name, List<String> columns, String body) {
    bodies.put(name, body);
    recursiveColumns.put(name, List.copyOf(columns));
  }

  /** "WITH [RECURSIVE] a AS MATERIALIZED (...), ..." followed by the final query. */
  String statement(String finalQuery) {
    if (bodies.isEmpty()) {
      return finalQuery;
    }
    List<String> parts = new ArrayList<>();
    bodies.forEach((name, body) -> parts.add(name + (recursiveColumns.containsKey(name)
        ? "(" + String.join(", ", recursiveColumns.get(name)) + ")" : "") + " AS MATERIALIZED (\n" + indent(body) + "\n)"));
    return (recursiveColumns.isEmpty() ? "WITH " : "WITH RECURSIVE ") + String.join(",\n", parts) + "\n" + finalQuery;
  }

  private static String indent(String sql) {
    return "  " + sql.replace("\n", "\n  ");
  }
}
