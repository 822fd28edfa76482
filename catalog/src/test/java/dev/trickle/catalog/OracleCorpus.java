package dev.trickle.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The named defining queries of {@code oracle/corpus.sql}, in file order. */
final class OracleCorpus {
  private OracleCorpus() {}

  static Map<String, String> load() {
    String text;
    try (InputStream in = OracleCorpus.class.getResourceAsStream("/oracle/corpus.sql")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> queries = new LinkedHashMap<>();
    String name = null;
    StringBuilder query = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.matches("-- [a-z_0-9]+\\s*")) {
        name = line.substring(3).trim();
        query.setLength(0);
      } else if (name != null && !line.startsWith("--")) {
        query.append(line).append('\n');
        if (line.trim().endsWith(";")) {
          queries.put(name, query.toString().trim().replaceAll(";$", ""));
          name = null;
        }
      }
    }
    return queries;
  }
}
