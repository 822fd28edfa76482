package dev.trickle.node.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, as a scraper parses it: every
 * line is a HELP, a TYPE or a sample; sample names belong to the family TYPE declared; label
 * values are quoted with \\, \" and \n escapes; values are floats (NaN, +Inf, -Inf allowed).
 */
final class PrometheusText {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?[0-9]+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

  /** One sample: its name, labels and value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private PrometheusText() {}

  /**
   * The samples of {@code text}.
   *
   * @throws IllegalArgumentException naming the first line that breaks the format
   */
  static List<Sample> parse(String text) {
    Map<String, String> types = new HashMap<>();
    List<Sample> samples = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition does not end with a line feed");
    }
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        if (types.put(type.group(1), type.group(2)) != null) {
          throw new IllegalArgumentException("line " + (i + 1) + ": second TYPE for " + type.group(1));
        }
        continue;
      }
      if (HELP.matcher(line).matches() || line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        throw new IllegalArgumentException("line " + (i + 1) + " is neither HELP nor TYPE: " + line);
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        throw new IllegalArgumentException("line " + (i + 1) + " is not a sample: " + line);
      }
      String name = sample.group(1);
      if (family(name, types) == null) {
        throw new IllegalArgumentException("line " + (i + 1) + ": sample " + name + " has no TYPE before it");
      }
      samples.add(new Sample(name, labels(sample.group(3), i + 1), value(sample.group(4), i + 1)));
    }
    return samples;
  }

  private static String family(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count", "_total", "_created")) {
      if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return null;
  }

  private static Map<String, String> labels(String text, int line) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return labels;
    }
    Matcher label = LABEL.matcher(text);
    int at = 0;
    while (at < text.length()) {
      if (!label.find(at) || label.start() != at) {
        throw new IllegalArgumentException("line " + line + ": malformed labels {" + text + "}");
      }
      String value = label.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
      if (labels.put(label.group(1), value) != null) {
        throw new IllegalArgumentException("line " + line + ": label " + label.group(1) + " twice");
      }
      at = label.end();
    }
    return labels;
  }

  private static double value(String text, int line) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line " + line + ": value '" + text + "' is not a number");
        }
    }
  }
}
