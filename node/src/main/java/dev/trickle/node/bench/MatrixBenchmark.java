package dev.trickle.node.bench;

import dev.trickle.catalog.StreamTableDefinition;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.engine.RefreshCompiler;
import dev.trickle.protocol.RefreshMode;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code trickle bench matrix}: FULL against DIFFERENTIAL refresh of the same query after the
 * same changes, over table sizes, change ratios and query shapes (pg_trickle's benchmark
 * matrix). Every shape exists twice, once per mode, over one {@code src} table; each round
 * changes {@code src} (70% UPDATE, 15% DELETE, 15% INSERT) and refreshes every stream table.
 */
@Command(name = "matrix", mixinStandardHelpOptions = true,
    description = "FULL vs DIFFERENTIAL refresh time per query shape, table size and change ratio.")
public final class MatrixBenchmark implements Callable<Integer> {
  private static final Map<String, String> SHAPES = new LinkedHashMap<>();

  static {
    SHAPES.put("scan", "SELECT id, region, category, amount, score FROM src");
    SHAPES.put("filter", "SELECT id, region, amount FROM src WHERE amount > 5000");
    SHAPES.put("aggregate", "SELECT region, sum(amount) AS total, count(*) AS n FROM src GROUP BY region");
    SHAPES.put("join", "SELECT s.id, s.amount, d.label FROM src s JOIN dim d ON d.category = s.category");
    SHAPES.put("join_aggregate",
        "SELECT d.label, sum(s.amount) AS total, count(*) AS n FROM src s JOIN dim d ON d.category = s.category GROUP BY d.label");
  }

  @Spec CommandSpec spec;

  @Mixin BenchServer server;

  @Option(names = "--sizes", split = ",", defaultValue = "100000,1000000",
      description = "rows in src (default 100000,1000000)")
  List<Integer> sizes;

  @Option(names = "--changes", split = ",", defaultValue = "1,10,50",
      description = "percent of src changed per round (default 1,10,50)")
  List<Double> changes;

  @Option(names = "--shapes", split = ",", defaultValue = "scan,filter,aggregate,join,join_aggregate",
      description = "query shapes (default all: scan,filter,aggregate,join,join_aggregate)")
  List<String> shapes;

  @Option(names = "--rounds", defaultValue = "3", description = "change-and-refresh rounds per cell; medians are "
      + "reported (default 3)")
  int rounds;

  @Override
  public Integer call() throws SQLException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    try (BenchDatabase database = server.open(); Connection connection = database.url().connect()) {
      out.printf(Locale.ROOT, "Refresh time, FULL vs DIFFERENTIAL, on PostgreSQL %s; median of %d rounds; "
          + "changes are 70%% UPDATE, 15%% DELETE, 15%% INSERT%n", database.serverVersion(), rounds);
      BenchTable table = new BenchTable("SHAPE", "ROWS", "CHANGE", "CHANGED ROWS", "FULL ms", "DIFF ms", "SPEEDUP");
      Map<String, Map<Integer, Double>> sameDelta = new LinkedHashMap<>();
      int smallest = sizes.stream().min(Integer::compare).orElseThrow();
      int sameDeltaRows = (int) Math.round(smallest * changes.get(0) / 100);
      StreamTableDefinitions definitions = new StreamTableDefinitions(database.url()::connect, new RefreshCompiler());
      for (int size : sizes.stream().sorted().distinct().toList()) {
        setUp(connection, definitions, size);
        List<Integer> batches = new ArrayList<>();
        changes.forEach(percent -> batches.add((int) Math.max(1, Math.round(size * percent / 100))));
        if (size != smallest) {
          batches.add(0, sameDeltaRows);
        }
        for (int batch : batches) {
          Map<String, Cell> cells = measure(connection, batch);
          for (String shape : shapes) {
            Cell cell = cells.get(shape);
            table.add(shape, Integer.toString(size), percent(batch, size), Integer.toString(batch),
                millis(cell.full()), millis(cell.differential()),
                String.format(Locale.ROOT, "%.1fx", cell.full() / cell.differential()));
            if (batch == sameDeltaRows) {
              sameDelta.computeIfAbsent(shape, s -> new LinkedHashMap<>()).put(size, cell.differential());
            }
          }
        }
      }
      table.print(out);
      printSameDelta(out, sameDelta, sameDeltaRows);
    }
    return 0;
  }

  private void validate() {
    if (rounds < 1 || sizes.stream().anyMatch(size -> size < 100)
        || changes.stream().anyMatch(percent -> percent <= 0 || percent > 100)) {
      throw new IllegalArgumentException("--rounds must be positive, --sizes at least 100 and --changes in (0, 100]");
    }
    for (String shape : shapes) {
      if (!SHAPES.containsKey(shape)) {
        throw new IllegalArgumentException("unknown shape '" + shape + "'; shapes are " + String.join(", ", SHAPES.keySet()));
      }
    }
  }

  private void setUp(Connection connection, StreamTableDefinitions definitions, int size) throws SQLException {
    for (String shape : shapes) {
      Measurements.execute(connection,
          "SELECT pgtrickle.drop_stream_table(name) FROM (VALUES ('" + shape + "_diff'), ('" + shape + "_full')) v(name) "
              + "WHERE to_regclass(name) IS NOT NULL");
    }
    Measurements.execute(connection,
        "DROP TABLE IF EXISTS src, dim",
        "CREATE TABLE dim (category text PRIMARY KEY, label text NOT NULL)",
        "INSERT INTO dim SELECT 'category_' || g, 'label_' || (g % 7) FROM generate_series(0, 19) g",
        "CREATE TABLE src (id bigserial PRIMARY KEY, region text NOT NULL, category text NOT NULL, amount integer NOT NULL, "
            + "score double precision NOT NULL)",
        "INSERT INTO src (region, category, amount, score) SELECT 'region_' || (g % 10), 'category_' || (g % 20), "
            + "(random() * 10000)::integer, random() * 100 FROM generate_series(1, " + size + ") g",
        "VACUUM ANALYZE src",
        "VACUUM ANALYZE dim");
    for (String shape : shapes) {
      definitions.create(new StreamTableDefinition(shape + "_diff", SHAPES.get(shape), "1h", RefreshMode.DIFFERENTIAL, true));
      definitions.create(new StreamTableDefinition(shape + "_full", SHAPES.get(shape), "1h", RefreshMode.FULL, true));
    }
  }

  /** Rounds of one batch size: change src, then refresh every stream table, alternating the mode first. */
  private Map<String, Cell> measure(Connection connection, int batch) throws SQLException {
    Map<String, List<Double>> full = new LinkedHashMap<>();
    Map<String, List<Double>> differential = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      change(connection, batch);
      for (String shape : shapes) {
        String diffRefresh = "SELECT pgtrickle.refresh_stream_table('" + shape + "_diff')";
        String fullRefresh = "SELECT pgtrickle.refresh_stream_table('" + shape + "_full')";
        if (round % 2 == 0) {
          differential.computeIfAbsent(shape, s -> new ArrayList<>()).add(Measurements.timed(connection, diffRefresh));
          full.computeIfAbsent(shape, s -> new ArrayList<>()).add(Measurements.timed(connection, fullRefresh));
        } else {
          full.computeIfAbsent(shape, s -> new ArrayList<>()).add(Measurements.timed(connection, fullRefresh));
          differential.computeIfAbsent(shape, s -> new ArrayList<>()).add(Measurements.timed(connection, diffRefresh));
        }
      }
    }
    Map<String, Cell> cells = new LinkedHashMap<>();
    for (String shape : shapes) {
      cells.put(shape, new Cell(Measurements.median(full.get(shape)), Measurements.median(differential.get(shape))));
    }
    return cells;
  }

  /** Changes {@code batch} rows of src: 70% updated, 15% deleted, 15% inserted, in one transaction. */
  private static void change(Connection connection, int batch) throws SQLException {
    int updates = (int) Math.round(batch * 0.70);
    int deletes = (int) Math.round(batch * 0.15);
    int inserts = batch - updates - deletes;
    connection.setAutoCommit(false);
    try {
      Measurements.execute(connection,
          "UPDATE src SET amount = (random() * 10000)::integer, score = random() * 100, "
              + "region = CASE WHEN random() < 0.1 THEN 'region_' || (random() * 9)::integer ELSE region END "
              + "WHERE id IN (SELECT id FROM src ORDER BY random() LIMIT " + updates + ")",
          "DELETE FROM src WHERE id IN (SELECT id FROM src ORDER BY random() LIMIT " + deletes + ")",
          "INSERT INTO src (region, category, amount, score) SELECT 'region_' || (g % 10), 'category_' || (g % 20), "
              + "(random() * 10000)::integer, random() * 100 FROM generate_series(1, " + inserts + ") g");
      connection.commit();
    } finally {
      connection.setAutoCommit(true);
    }
    Measurements.execute(connection, "ANALYZE src");
  }

  private static void printSameDelta(PrintWriter out, Map<String, Map<Integer, Double>> sameDelta, int rows) {
    if (sameDelta.values().stream().allMatch(bySize -> bySize.size() < 2)) {
      return;
    }
    out.println();
    out.printf(Locale.ROOT, "DIFFERENTIAL time for the same %d changed rows, largest table against smallest "
        + "(the goal is at most 2x):%n", rows);
    BenchTable table = new BenchTable("SHAPE", "SMALLEST ms", "LARGEST ms", "RATIO");
    sameDelta.forEach((shape, bySize) -> {
      double small = bySize.values().iterator().next();
      double large = bySize.values().stream().reduce((first, second) -> second).orElseThrow();
      table.add(shape, millis(small), millis(large), String.format(Locale.ROOT, "%.2fx", large / small));
    });
    table.print(out);
  }

  private static String percent(int batch, int size) {
    return String.format(Locale.ROOT, "%.1f%%", 100.0 * batch / size);
  }

  private static String millis(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private record Cell(double full, double differential) {}
}
