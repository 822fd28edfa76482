package dev.trickle.node.demo;

import dev.trickle.catalog.ConnectionSource;
import dev.trickle.catalog.RefreshRecord;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The multi-engine leaderboard: score events stream into {@code game_scores}; {@code top_players}
 * ranks players by total score with {@code RANK()}, {@code scores_by_game} summarises each game.
 */
final class LeaderboardScenario extends PacedScenario {
  private static final String[] FIRST = {"Swift", "Silent", "Crimson", "Lucky", "Brave", "Frost", "Shadow", "Golden",
      "Iron", "Wild", "Cosmic", "Neon", "Rapid", "Mystic", "Stormy", "Clever", "Jolly", "Rogue", "Solar", "Arctic"};
  private static final String[] SECOND = {"Falcon", "Tiger", "Otter", "Wolf", "Panda", "Raven", "Viper", "Lynx",
      "Badger", "Comet"};
  private static final int PLAYERS = 200;
  private static final int GAMES = 8;

  private final String lake;

  /**
   * @param lake where the DuckLake sinks write: {@code s3://bucket/prefix/} or {@code file:///directory/};
   *     each stream table gets a folder of its own below it
   */
  LeaderboardScenario(Pace pace, long seed, String lake) {
    super("leaderboard", pace, seed);
    this.lake = lake.endsWith("/") ? lake : lake + "/";
  }

  @Override
  public void setUp(Connection connection) throws SQLException {
    Scenario.runScript(connection, "leaderboard.sql");
    try (PreparedStatement sink = connection.prepareStatement("SELECT pgtrickle.alter_stream_table(t.name, "
        + "sink => 'ducklake', ducklake_sink_path => ? || t.name || '/') FROM (VALUES ('top_players'), ('scores_by_game')) "
        + "t (name) WHERE NOT EXISTS (SELECT 1 FROM pgtrickle.pgt_sinks k JOIN pgtrickle.pgt_stream_tables st "
        + "ON st.pgt_id = k.pgt_id WHERE st.pgt_name = t.name)")) {
      sink.setString(1, lake);
      sink.execute();
    }
  }

  @Override
  public void generate(Connection connection) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO game_scores (player_id, player_name, game_id, score) VALUES (?, ?, ?, ?)")) {
      for (int i = pace.tick(); i > 0; i--) {
        // A mild skew: low-numbered players play somewhat more than the rest.
        int player = 1 + (int) (PLAYERS * Math.pow(random.nextDouble(), 1.3));
        insert.setInt(1, player);
        insert.setString(2, playerName(player));
        insert.setInt(3, 1 + random.nextInt(GAMES));
        insert.setInt(4, 10 + random.nextInt(991));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** A readable name per player id: the 200 ids map to 200 distinct first/second combinations. */
  static String playerName(int player) {
    int slot = (player * 37) % (FIRST.length * SECOND.length);
    return FIRST[slot % FIRST.length] + SECOND[slot / FIRST.length];
  }

  @Override
  public List<String> introduction() {
    return List.of(
        "Generator:     " + pace.perSecond() + " score events/s into game_scores",
        "Stream tables: top_players (RANK() over SUM(score)) and scores_by_game, refreshed every 5 s",
        "DuckLake sink: every refresh's delta as Parquet under " + lake + " (provenance: "
            + "pgtrickle.pgt_ducklake_provenance)",
        "Try:           SELECT rank, player_name, total_score, games_played FROM top_players ORDER BY rank LIMIT 10;",
        "               SELECT * FROM pgtrickle.pgt_status();");
  }

  @Override
  public void report(RefreshRecord refresh, ConnectionSource connections, PrintWriter out) {
    Scenario.printRefresh(refresh, out);
    if (refresh.errorMessage() == null && refresh.streamTable().endsWith(".top_players")) {
      printTopTen(connections, out);
    }
  }

  private static void printTopTen(ConnectionSource connections, PrintWriter out) {
    try (Connection connection = connections.open();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT rank, player_name, total_score, games_played FROM top_players "
            + "ORDER BY rank, player_name LIMIT 10")) {
      out.println("  rank  player              total  games");
      while (rows.next()) {
        out.printf("  %4d  %-16s %8d %6d%n", rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getLong(4));
      }
      out.flush();
    } catch (SQLException e) {
      out.println("  (cannot read top_players: " + e.getMessage() + ")");
    }
  }
}
