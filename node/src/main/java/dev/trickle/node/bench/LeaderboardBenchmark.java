package dev.trickle.node.bench;

import dev.trickle.catalog.StreamTableDefinition;
import dev.trickle.catalog.StreamTableDefinitions;
import dev.trickle.engine.RefreshCompiler;
import dev.trickle.protocol.RefreshMode;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trickle bench leaderboard}: the leaderboard demo's ranked query over a large score
 * table, kept by a DIFFERENTIAL stream table and by a materialized view. Each round inserts a
 * batch of score events, refreshes both (alternating which goes first) and checks that they
 * hold the same rows.
 */
@Command(name = "leaderboard", mixinStandardHelpOptions = true,
    description = "DIFFERENTIAL refresh of the leaderboard against REFRESH MATERIALIZED VIEW of the same query.")
public final class LeaderboardBenchmark implements Callable<Integer> {
  private static final String QUERY = "SELECT player_id, player_name, sum(score) AS total_score, count(*) AS games_played, "
      + "rank() OVER (ORDER BY sum(score) DESC) AS rank FROM game_scores GROUP BY player_id, player_name";

  @Spec CommandSpec spec;

  @Mixin BenchServer server;

  @Option(names = "--rows", defaultValue = "1000000", description = "score events loaded first (default 1000000)")
  int rows;

  @Option(names = "--players", defaultValue = "10000", description = "distinct players (default 10000)")
  int players;

  @Option(names = "--batch", defaultValue = "250", description = "score events per round (default 250)")
  int batch;

  @Option(names = "--rounds", defaultValue = "7", description = "rounds; medians are reported (default 7)")
  int rounds;

  @Override
  public Integer call() throws SQLException {
    if (rows < 1 || players < 1 || batch < 1 || rounds < 1) {
      throw new IllegalArgumentException("--rows, --players, --batch and --rounds must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (BenchDatabase database = server.open(); Connection connection = database.url().connect()) {
      setUp(connection, new StreamTableDefinitions(database.url()::connect, new RefreshCompiler()));
      List<Double> differential = new ArrayList<>();
      List<Double> materializedView = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        Measurements.execute(connection, "INSERT INTO game_scores (player_id, player_name, game_id, score) "
            + "SELECT p, 'player_' || p, 1 + (random() * 19)::integer, (random() * 1000)::integer "
            + "FROM (SELECT 1 + (random() * " + (players - 1) + ")::integer AS p FROM generate_series(1, " + batch + ")) g");
        String refresh = "SELECT pgtrickle.refresh_stream_table('top_players')";
        String rebuild = "REFRESH MATERIALIZED VIEW top_players_mv";
        if (round % 2 == 0) {
          differential.add(Measurements.timed(connection, refresh));
          materializedView.add(Measurements.timed(connection, rebuild));
        } else {
          materializedView.add(Measurements.timed(connection, rebuild));
          differential.add(Measurements.timed(connection, refresh));
        }
        checkSameRows(connection);
      }
      double diff = Measurements.median(differential);
      double mv = Measurements.median(materializedView);
      out.printf(Locale.ROOT, "Leaderboard on PostgreSQL %s: %d score events, %d players, %d-event batches, "
          + "median of %d rounds (both hold the same rows after every round)%n",
          database.serverVersion(), rows, players, batch, rounds);
      BenchTable table = new BenchTable("REFRESH", "MEDIAN ms", "MIN ms", "MAX ms");
      table.add("REFRESH MATERIALIZED VIEW", format(mv), format(min(materializedView)), format(max(materializedView)));
      table.add("Trickle DIFFERENTIAL", format(diff), format(min(differential)), format(max(differential)));
      table.print(out);
      out.printf(Locale.ROOT, "Speedup: %.1fx (goal >= 15x)%n", mv / diff);
    }
    return 0;
  }

  private void setUp(Connection connection, StreamTableDefinitions definitions) throws SQLException {
    Measurements.execute(connection,
        "CREATE TABLE game_scores (score_id bigserial PRIMARY KEY, player_id integer NOT NULL, player_name text NOT NULL, "
            + "game_id integer NOT NULL, score integer NOT NULL, scored_at timestamptz NOT NULL DEFAULT now())",
        "INSERT INTO game_scores (player_id, player_name, game_id, score) "
            + "SELECT p, 'player_' || p, 1 + g % 20, (random() * 1000)::integer "
            + "FROM (SELECT g, 1 + (random() * " + (players - 1) + ")::integer AS p FROM generate_series(1, " + rows + ") g) s",
        "VACUUM ANALYZE game_scores",
        "CREATE MATERIALIZED VIEW top_players_mv AS " + QUERY);
    definitions.create(new StreamTableDefinition("top_players", QUERY, "1h", RefreshMode.DIFFERENTIAL, true));
  }

  private static void checkSameRows(Connection connection) throws SQLException {
    String columns = "player_id, player_name, total_score, games_played, rank";
    long differing = Measurements.queryLong(connection, "SELECT count(*) FROM ((SELECT " + columns + " FROM top_players "
        + "EXCEPT ALL SELECT " + columns + " FROM top_players_mv) UNION ALL (SELECT " + columns + " FROM top_players_mv "
        + "EXCEPT ALL SELECT " + columns + " FROM top_players)) d");
    if (differing != 0) {
      throw new IllegalStateException("the stream table and the materialized view differ in " + differing + " rows");
    }
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  private static String format(double millis) {
    return String.format(Locale.ROOT, "%.1f", millis);
  }
}
