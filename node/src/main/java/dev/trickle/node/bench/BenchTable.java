package dev.trickle.node.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A benchmark's result table: left-aligned first column, right-aligned numbers. */
final class BenchTable {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  BenchTable(String... headers) {
    this.headers = List.of(headers);
  }

  void add(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
    }
    rows.add(List.of(cells));
  }

  void print(PrintWriter out) {
    int[] widths = new int[headers.size()];
    for (int column = 0; column < widths.length; column++) {
      widths[column] = headers.get(column).length();
      for (List<String> row : rows) {
        widths[column] = Math.max(widths[column], row.get(column).length());
      }
    }
    out.println(line(headers, widths));
    rows.forEach(row -> out.println(line(row, widths)));
    out.flush();
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int column = 0; column < cells.size(); column++) {
      String cell = cells.get(column);
      String padding = " ".repeat(widths[column] - cell.length());
      if (column == 0) {
        line.append(cell).append(padding);
      } else {
        line.append("  ").append(padding).append(cell);
      }
    }
    return line.toString().stripTrailing();
  }
}
