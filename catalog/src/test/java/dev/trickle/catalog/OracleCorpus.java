package dev.trickle.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import dev.trickle.protocol.RefreshMode;
import dev.trickle.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

  /**
   * Creates the workload's tables and every corpus query as a stream table in {@code mode};
   * returns what went wrong ("name: reason"), including a query that ended up in another mode.
   */
  static List<String> createAll(TestDatabase db, Map<String, String> corpus, RefreshMode mode) {
    db.execute(RandomWorkload.SCHEMA);
    StreamTableDefinitions definitions = CatalogTesting.definitions(db);
    List<String> failures = new ArrayList<>();
    corpus.forEach((name, query) -> {
      try {
        StreamTableInfo table = definitions.create(new StreamTableDefinition(name, query, "1m", mode, true));
        if (!table.effectiveMode().equals(Optional.of(mode))) {
          failures.add(name + ": " + table.effectiveMode() + " " + table.modeReason());
        }
      } catch (RuntimeException e) {
        failures.add(name + ": " + e.getMessage());
      }
    });
    return failures;
  }
}
