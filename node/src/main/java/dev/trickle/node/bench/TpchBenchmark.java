package dev.trickle.node.bench;

import dev.trickle.catalog.StreamTableDefinition;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.catalog.StreamTableVerifier;
import dev.trickle.catalog.Verification;
import dev.trickle.engine.RefreshCompiler;
import dev.trickle.protocol.RefreshMode;
import io.trino.tpch.LineItemGenerator;
import io.trino.tpch.OrderGenerator;
import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trickle bench tpch}: the 22 TPC-H queries as stream tables, each kept twice (FULL and
 * DIFFERENTIAL), over data and queries from the io.trino.tpch generator. Every round applies
 * the refresh functions' shape — RF1 inserts new orders with their line items, RF2 deletes as
 * many old orders with theirs — then refreshes both copies of every query, timing them and
 * checking each against its query.
 */
@Command(name = "tpch", mixinStandardHelpOptions = true,
    description = "TPC-H's 22 queries as stream tables: FULL vs DIFFERENTIAL refresh after RF1/RF2 churn, "
        + "correctness checked every round.")
public final class TpchBenchmark implements Callable<Integer> {
  private static final Pattern VIEW = Pattern.compile(
      "(?is)CREATE\\s+OR\\s+REPLACE\\s+VIEW\\s+(\\w+)\\s+AS\\s+(.*?);\\s*(SELECT.*)");
  private static final String[] INDEXES = {
      "CREATE INDEX ON lineitem (l_partkey, l_suppkey)", "CREATE INDEX ON lineitem (l_suppkey)",
      "CREATE INDEX ON orders (o_custkey)", "CREATE INDEX ON partsupp (ps_suppkey)",
      "CREATE INDEX ON customer (c_nationkey)", "CREATE INDEX ON supplier (s_nationkey)",
      "CREATE INDEX ON nation (n_regionkey)"};
  private static final Map<String, String> KEYS = Map.of("region", "r_regionkey", "nation", "n_nationkey",
      "supplier", "s_suppkey", "part", "p_partkey", "partsupp", "ps_partkey, ps_suppkey", "customer", "c_custkey",
      "orders", "o_orderkey", "lineitem", "l_orderkey, l_linenumber");
  /** Orders of one generator part are 1/PARTS of all orders. */
  private static final int PARTS = 100;
  private static final long KEY_OFFSET = 10_000_000_000L;

  @Spec CommandSpec spec;

  @Mixin BenchServer server;

  @Option(names = "--scale", defaultValue = "0.1", description = "TPC-H scale factor (default 0.1)")
  double scale;

  @Option(names = "--churn", defaultValue = "1", description = "percent of orders inserted (RF1) and deleted (RF2) "
      + "per round, a whole number from 1 to 10 (default 1)")
  int churn;

  @Option(names = "--rounds", defaultValue = "3", description = "churn-and-refresh rounds; medians are reported "
      + "(default 3)")
  int rounds;

  @Option(names = "--queries", split = ",", description = "query numbers (default 1 to 22)")
  List<Integer> queries;

  @Override
  public Integer call() throws SQLException, IOException {
    if (scale <= 0 || churn < 1 || churn > 10 || rounds < 1) {
      throw new IllegalArgumentException("--scale must be positive, --churn from 1 to 10 and --rounds positive");
    }
    List<Integer> selected = queries == null ? IntStream.rangeClosed(1, 22).boxed().toList() : queries;
    for (int query : selected) {
      if (query < 1 || query > 22) {
        throw new IllegalArgumentException("TPC-H queries are numbered 1 to 22, not " + query);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    try (BenchDatabase database = server.open(); Connection connection = database.url().connect()) {
      long start = System.nanoTime();
      load(connection);
      out.printf(Locale.ROOT, "TPC-H at scale %s on PostgreSQL %s: loaded %,d line items in %.1f s; %d rounds of "
              + "RF1 (+%d%% orders) and RF2 (-%d%% orders)%n", scale, database.serverVersion(),
          Measurements.queryLong(connection, "SELECT count(*) FROM lineitem"), (System.nanoTime() - start) / 1e9,
          rounds, churn, churn);
      StreamTableDefinitions definitions = new StreamTableDefinitions(database.url()::connect, new RefreshCompiler());
      StreamTableVerifier verifier = new StreamTableVerifier(database.url()::connect);
      Map<Integer, Result> results = new LinkedHashMap<>();
      for (int query : selected) {
        results.put(query, create(definitions, query));
      }
      for (int round = 1; round <= rounds; round++) {
        churn(connection, round);
        for (Map.Entry<Integer, Result> entry : results.entrySet()) {
          refreshAndCheck(connection, verifier, entry.getKey(), entry.getValue(), round);
        }
      }
      print(out, results);
    }
    return 0;
  }

  private void load(Connection connection) throws SQLException, IOException {
    for (TpchTable<?> table : TpchTable.getTables()) {
      StringBuilder columns = new StringBuilder();
      for (TpchColumn<?> column : table.getColumns()) {
        columns.append(columns.length() == 0 ? "" : ", ").append(column.getColumnName()).append(' ').append(type(column));
      }
      Measurements.execute(connection, "CREATE TABLE " + table.getTableName() + " (" + columns + ", PRIMARY KEY ("
          + KEYS.get(table.getTableName()) + "))");
      copy(connection, table.getTableName(), table.createGenerator(scale, 1, 1), 0);
    }
    Measurements.execute(connection, INDEXES);
    Measurements.execute(connection, "VACUUM ANALYZE");
  }

  private static String type(TpchColumn<?> column) {
    return switch (column.getType().getBase()) {
      case IDENTIFIER -> "bigint";
      case INTEGER -> "integer";
      case DATE -> "date";
      case DOUBLE -> "numeric(15,2)";
      case VARCHAR -> "varchar(" + column.getType().getPrecision().orElse(199L) + ")";
    };
  }

  /** COPYs generated rows, adding keyOffset to the leading order key (new orders of RF1). */
  private static void copy(Connection connection, String table, Iterable<? extends TpchEntity> rows, long keyOffset)
      throws SQLException, IOException {
    StringBuilder text = new StringBuilder();
    for (TpchEntity row : rows) {
      String line = row.toLine();
      line = line.substring(0, line.length() - 1);
      if (keyOffset != 0) {
        int bar = line.indexOf('|');
        line = (Long.parseLong(line.substring(0, bar)) + keyOffset) + line.substring(bar);
      }
      text.append(line).append('\n');
    }
    connection.unwrap(PGConnection.class).getCopyAPI()
        .copyIn("COPY " + table + " FROM STDIN WITH (DELIMITER '|')", new StringReader(text.toString()));
  }

  private static String query(int number) throws IOException {
    try (InputStream in = TpchTable.class.getResourceAsStream("/io/trino/tpch/queries/q" + number + ".sql")) {
      if (in == null) {
        throw new IllegalStateException("the io.trino.tpch library has no query " + number);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "").trim();
      Matcher view = VIEW.matcher(text);
      if (view.matches()) {
        text = "WITH " + view.group(1) + " AS (" + view.group(2) + ") " + view.group(3);
      }
      return text.replaceAll(";\\s*$", "");
    }
  }

  private static Result create(StreamTableDefinitions definitions, int query) throws IOException {
    String sql = query(query);
    definitions.create(new StreamTableDefinition("q" + query + "_full", sql, "1h", RefreshMode.FULL, true));
    try {
      definitions.create(new StreamTableDefinition("q" + query + "_diff", sql, "1h", RefreshMode.DIFFERENTIAL, true));
      return new Result(null);
    } catch (RuntimeException e) {
      return new Result(e.getMessage());
    }
  }

  /** RF1 then RF2, each one transaction: new orders (and line items) in, as many old ones out. */
  private void churn(Connection connection, int round) throws SQLException, IOException {
    connection.setAutoCommit(false);
    try {
      for (int part = (round - 1) * churn + 1; part <= round * churn; part++) {
        copy(connection, "orders", new OrderGenerator(scale, part, PARTS), KEY_OFFSET * round);
        copy(connection, "lineitem", new LineItemGenerator(scale, part, PARTS), KEY_OFFSET * round);
      }
      connection.commit();
      long deleted = Math.round(Measurements.queryLong(connection, "SELECT count(*) FROM orders") * churn / 100.0);
      Measurements.execute(connection,
          "CREATE TEMP TABLE gone ON COMMIT DROP AS SELECT o_orderkey FROM orders WHERE o_orderkey < " + KEY_OFFSET
              + " ORDER BY o_orderkey LIMIT " + deleted,
          "DELETE FROM lineitem WHERE l_orderkey IN (SELECT o_orderkey FROM gone)",
          "DELETE FROM orders WHERE o_orderkey IN (SELECT o_orderkey FROM gone)");
      connection.commit();
    } finally {
      connection.setAutoCommit(true);
    }
    Measurements.execute(connection, "ANALYZE orders", "ANALYZE lineitem");
  }

  private static void refreshAndCheck(Connection connection, StreamTableVerifier verifier, int query, Result result,
      int round) throws SQLException {
    String full = "SELECT pgtrickle.refresh_stream_table('q" + query + "_full')";
    String diff = "SELECT pgtrickle.refresh_stream_table('q" + query + "_diff')";
    if (result.refused() != null) {
      result.full.add(Measurements.timed(connection, full));
    } else if (round % 2 == 0) {
      result.full.add(Measurements.timed(connection, full));
      result.differential.add(Measurements.timed(connection, diff));
    } else {
      result.differential.add(Measurements.timed(connection, diff));
      result.full.add(Measurements.timed(connection, full));
    }
    check(verifier, "q" + query + "_full", result);
    if (result.refused() == null) {
      check(verifier, "q" + query + "_diff", result);
    }
  }

  private static void check(StreamTableVerifier verifier, String table, Result result) {
    Verification verification = verifier.compare(table);
    if (!verification.matches()) {
      result.wrong.add(table + ": " + verification.extraRows().size() + " extra rows, "
          + verification.missingRows().size() + " missing");
    }
  }

  private static void print(PrintWriter out, Map<Integer, Result> results) {
    BenchTable table = new BenchTable("QUERY", "FULL ms", "DIFF ms", "SPEEDUP", "CORRECT");
    int correct = 0;
    int faster = 0;
    List<String> notes = new ArrayList<>();
    for (Map.Entry<Integer, Result> entry : results.entrySet()) {
      Result result = entry.getValue();
      double full = Measurements.median(result.full);
      boolean right = result.wrong.isEmpty();
      correct += right ? 1 : 0;
      if (result.refused() != null) {
        table.add("Q" + entry.getKey(), millis(full), "refused", "-", right ? "yes" : "NO");
        notes.add("Q" + entry.getKey() + ": " + result.refused());
      } else {
        double differential = Measurements.median(result.differential);
        faster += differential < full ? 1 : 0;
        table.add("Q" + entry.getKey(), millis(full), millis(differential),
            String.format(Locale.ROOT, "%.1fx", full / differential), right ? "yes" : "NO");
      }
      result.wrong.forEach(wrong -> notes.add("Q" + entry.getKey() + " wrong: " + wrong));
    }
    table.print(out);
    out.printf(Locale.ROOT, "correct: %d/%d; faster differentially: %d/%d%n", correct, results.size(), faster,
        results.size());
    notes.forEach(out::println);
  }

  private static String millis(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** One query's measurements: refused is why DIFFERENTIAL was refused (null when it was not). */
  private record Result(String refused, List<Double> full, List<Double> differential, List<String> wrong) {
    Result(String refused) {
      this(refused, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }
  }
}
