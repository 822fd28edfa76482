package dev.trickle.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.trickle.protocol.StreamTableId;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Writes command results: JSON with {@code --json}, aligned text tables otherwise. */
final class Output {
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new Jdk8Module())
      .registerModule(new JavaTimeModule())
      .registerModule(new SimpleModule().addSerializer(StreamTableId.class, ToStringSerializer.instance))
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Output() {}

  static void json(PrintWriter out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prints rows under headers, each column as wide as its widest cell. */
  static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
    List<Integer> widths = new ArrayList<>();
    for (int column = 0; column < headers.size(); column++) {
      int width = headers.get(column).length();
      for (List<String> row : rows) {
        width = Math.max(width, row.get(column).length());
      }
      widths.add(width);
    }
    out.println(line(headers, widths));
    List<String> rules = widths.stream().map("-"::repeat).toList();
    out.println(line(rules, widths));
    rows.forEach(row -> out.println(line(row, widths)));
  }

  private static String line(List<String> cells, List<Integer> widths) {
    StringBuilder line = new StringBuilder();
    for (int column = 0; column < cells.size(); column++) {
      if (column > 0) {
        line.append("  ");
      }
      String cell = cells.get(column);
      line.append(cell).append(" ".repeat(widths.get(column) - cell.length()));
    }
    return line.toString().stripTrailing();
  }

  static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  static String time(Instant instant) {
    return instant == null ? "" : instant.toString();
  }

  static String age(Instant since) {
    if (since == null) {
      return "";
    }
    Duration age = Duration.between(since, Instant.now());
    return age.toMillis() < 1000 ? age.toMillis() + "ms" : String.format(java.util.Locale.ROOT, "%.1fs", age.toMillis() / 1000.0);
  }

  static String millis(Duration duration) {
    return duration.toMillis() + " ms";
  }
}
