package dev.trickle.catalog;

import static dev.trickle.catalog.CatalogTesting.assertMatchesQuery;
import static dev.trickle.catalog.CatalogTesting.lastAction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.protocol.RefreshMode;
import dev.trickle.testkit.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a DIFFERENTIAL refresh writes, and when a refresh chooses FULL instead. */
class DifferentialRefreshTest {
  @RegisterExtension static final TestDatabase db = CatalogTesting.catalogDatabase();

  private static final String LEADERBOARD = "SELECT player_id, sum(score) AS total, "
      + "rank() OVER (ORDER BY sum(score) DESC) AS rank FROM game_scores GROUP BY player_id";

  private StreamTableDefinitions definitions;

  @BeforeEach
  void createSources() {
    definitions = CatalogTesting.definitions(db);
    db.execute(CatalogTesting.DROP_ALL_STREAM_TABLES,
        "DROP TABLE IF EXISTS game_scores, players",
        "CREATE TABLE game_scores (score_id serial PRIMARY KEY, player_id int, score int)",
        "INSERT INTO game_scores (player_id, score) SELECT g % 10, g FROM generate_series(1, 100) g");
  }

  private void create(String name, String query, RefreshMode mode) {
    definitions.create(new StreamTableDefinition(name, query, "1m", mode, true));
  }

  private static List<List<Object>> lastRefresh(String name) {
    return db.query("SELECT action, rows_inserted, rows_updated, rows_deleted, reason FROM pgtrickle.pgt_refresh_history "
        + "WHERE pgt_id = (pgtrickle._find('" + name + "')).pgt_id ORDER BY refresh_id DESC LIMIT 1");
  }

  @Test
  void shouldWriteOnlyTheRowsWhoseValuesChanged() {
    create("leaderboard", LEADERBOARD, RefreshMode.DIFFERENTIAL);
    create("podium", "SELECT player_id, rank FROM leaderboard WHERE rank <= 3", RefreshMode.DIFFERENTIAL);
    // Player 5 gains 1 point: its total changes, nobody's rank does.
    db.execute("INSERT INTO game_scores (player_id, score) VALUES (5, 1)",
        "SELECT pgtrickle.refresh_stream_table('leaderboard')");
    assertEquals(List.of(List.of("DIFFERENTIAL", 0L, 1L, 0L)), lastRefresh("leaderboard").stream()
        .map(row -> row.subList(0, 4)).toList());
    assertEquals(List.of(List.of("D", 5), List.of("I", 5)), db.query(
        "SELECT __pgt_op::text, player_id FROM pgtrickle_changes.changes_" + oid("leaderboard") + " ORDER BY __pgt_op"));
    // A score moved between two rows of the same player changes nothing at all.
    db.execute("SELECT pgtrickle.refresh_stream_table('podium')",
        "UPDATE game_scores SET score = score + 7 WHERE score_id = 10",
        "UPDATE game_scores SET score = score - 7 WHERE score_id = 20",
        "SELECT pgtrickle.refresh_stream_table('leaderboard')");
    assertEquals(List.of(List.of("DIFFERENTIAL", 0L, 0L, 0L)), lastRefresh("leaderboard").stream()
        .map(row -> row.subList(0, 4)).toList());
    db.execute("SELECT pgtrickle.refresh_stream_table('podium')");
    assertEquals("NO_DATA", lastAction(db, "podium"));
    assertMatchesQuery(db, "leaderboard", "after minimal refreshes");
  }

  @Test
  void shouldRankTouchedGroupsWithTheStoredTopAndRecomputeWhenAStoredOneFallsBack() {
    // Totals: player 0 550, player 9 540, player 8 530, player 7 520, ...
    create("top3", "SELECT player_id, sum(score) AS total FROM game_scores GROUP BY player_id "
        + "ORDER BY total DESC, player_id LIMIT 3", RefreshMode.DIFFERENTIAL);
    db.execute("INSERT INTO game_scores (player_id, score) VALUES (5, 100)",
        "SELECT pgtrickle.refresh_stream_table('top3')");
    assertEquals(List.of(List.of(5, 600L), List.of(0, 550L), List.of(9, 540L)),
        db.query("SELECT player_id, total FROM top3 ORDER BY total DESC"));
    // Player 0 leaves the top; player 8, untouched and never stored, must come in.
    db.execute("DELETE FROM game_scores WHERE player_id = 0", "SELECT pgtrickle.refresh_stream_table('top3')");
    assertEquals(List.of(List.of(5, 600L), List.of(9, 540L), List.of(8, 530L)),
        db.query("SELECT player_id, total FROM top3 ORDER BY total DESC"));
    assertEquals("DIFFERENTIAL", lastAction(db, "top3"));
    assertMatchesQuery(db, "top3", "after a stored group fell out of the top");
  }

  @Test
  void shouldDropTheRowsALateralSubqueryNoLongerReturns() {
    db.execute("DROP TABLE IF EXISTS players", "CREATE TABLE players (id int PRIMARY KEY, name text)",
        "INSERT INTO players SELECT g, 'p' || g FROM generate_series(0, 9) g");
    create("best_two", "SELECT p.name, b.score FROM players p CROSS JOIN LATERAL (SELECT s.score FROM game_scores s "
        + "WHERE s.player_id = p.id ORDER BY s.score DESC LIMIT 2) b", RefreshMode.DIFFERENTIAL);
    // Player 3 keeps one score: the second of its two rows must go.
    db.execute("DELETE FROM game_scores WHERE player_id = 3 AND score < 93",
        "SELECT pgtrickle.refresh_stream_table('best_two')");
    assertEquals(List.of(List.of(93)), db.query("SELECT score FROM best_two WHERE name = 'p3'"));
    db.execute("INSERT INTO game_scores (player_id, score) VALUES (3, 200), (3, 150)",
        "UPDATE players SET name = 'three' WHERE id = 3", "SELECT pgtrickle.refresh_stream_table('best_two')");
    assertEquals(List.of(List.of(200), List.of(150)), db.query("SELECT score FROM best_two WHERE name = 'three' "
        + "ORDER BY score DESC"));
    assertEquals("DIFFERENTIAL", lastAction(db, "best_two"));
    assertMatchesQuery(db, "best_two", "after a LATERAL subquery's rows changed");
  }

  @Test
  void shouldTellApartRowsWhoseSubqueryIdsFoldToTheSameHalf() {
    // The subquery identifies (84538, 8) and (90957, 8) by 64-bit hashes whose two 32-bit
    // halves XOR to the same value: hashed again as bigints (PostgreSQL folds the halves), the
    // two rows of the stream table got one id.
    db.execute("DROP TABLE IF EXISTS pairs", "CREATE TABLE pairs (id serial PRIMARY KEY, a int, b int)",
        "INSERT INTO pairs (a, b) VALUES (84538, 8), (90957, 8)");
    create("distinct_pairs", "SELECT s.a, s.b FROM (SELECT DISTINCT a, b FROM pairs) s", RefreshMode.DIFFERENTIAL);
    assertEquals(List.of(List.of(2L)), db.query("SELECT count(*) FROM distinct_pairs"));
    db.execute("DELETE FROM pairs WHERE a = 84538", "SELECT pgtrickle.refresh_stream_table('distinct_pairs')");
    assertEquals(List.of(List.of(90957, 8)), db.query("SELECT a, b FROM distinct_pairs"));
  }

  @Test
  void shouldTellApartBigintKeysWhoseHalvesXorToTheSameValue() {
    // 0 and 2^32 + 1: PostgreSQL's bigint hash folds the halves (0 ^ 0, 1 ^ 1) to the same 32 bits.
    db.execute("DROP TABLE IF EXISTS wide_ids", "CREATE TABLE wide_ids (id bigint PRIMARY KEY, v int)",
        "INSERT INTO wide_ids VALUES (0, 1), (4294967297, 2)");
    create("wide", "SELECT id, v FROM wide_ids", RefreshMode.DIFFERENTIAL);
    db.execute("UPDATE wide_ids SET v = 3 WHERE id = 0", "SELECT pgtrickle.refresh_stream_table('wide')");
    assertEquals(List.of(List.of(0L, 3), List.of(4294967297L, 2)), db.query("SELECT id, v FROM wide ORDER BY id"));
  }

  @Test
  void shouldTellApartGroupsWhoseKeysHashAlikeWhenFolded() {
    // Timestamps are hashed as bigints (microseconds since 2000): 2000-01-01 00:00 and
    // 4,294,967,297 µs later fold to the same 32 bits, as do the bigints 0 and 2^32 + 1.
    db.execute("DROP TABLE IF EXISTS ticks", "CREATE TABLE ticks (id serial PRIMARY KEY, at timestamp, "
        + "at_tz timestamptz, n bigint, v int)", "SET TimeZone = 'UTC'",
        "INSERT INTO ticks (at, at_tz, n, v) VALUES ('2000-01-01 00:00', '2000-01-01 00:00+00', 0, 1), "
            + "('2000-01-01 01:11:34.967297', '2000-01-01 01:11:34.967297+00', 4294967297, 2)");
    create("per_at", "SELECT at, sum(v) AS total FROM ticks GROUP BY at", RefreshMode.DIFFERENTIAL);
    create("per_at_tz", "SELECT at_tz, count(*) AS rows FROM ticks GROUP BY at_tz", RefreshMode.DIFFERENTIAL);
    create("per_n", "SELECT n, sum(v) AS total FROM ticks GROUP BY n", RefreshMode.DIFFERENTIAL);
    create("distinct_at", "SELECT DISTINCT at FROM ticks", RefreshMode.DIFFERENTIAL);
    db.execute("INSERT INTO ticks (at, at_tz, n, v) VALUES ('2000-01-01 00:00', '2000-01-01 00:00+00', 0, 10)",
        "SET TimeZone = 'America/New_York'", "SELECT pgtrickle.refresh_stream_table('per_at')",
        "SELECT pgtrickle.refresh_stream_table('per_at_tz')", "SELECT pgtrickle.refresh_stream_table('per_n')",
        "SELECT pgtrickle.refresh_stream_table('distinct_at')", "SET TimeZone = 'UTC'");
    assertEquals(List.of(List.of(11L), List.of(2L)), db.query("SELECT total FROM per_at ORDER BY at"));
    assertEquals(List.of(List.of(2L), List.of(1L)), db.query("SELECT rows FROM per_at_tz ORDER BY at_tz"));
    assertEquals(List.of(List.of(11L), List.of(2L)), db.query("SELECT total FROM per_n ORDER BY n"));
    assertEquals(List.of(List.of(2L)), db.query("SELECT count(*) FROM distinct_at"));
    for (String table : List.of("per_at", "per_at_tz", "per_n", "distinct_at")) {
      assertEquals("DIFFERENTIAL", lastAction(db, table));
      assertMatchesQuery(db, table, "after a change to one of two groups whose keys fold alike");
    }
  }

  @Test
  void shouldKeepTheSingleRowOfAGlobalAggregateWhenItsSourceEmpties() {
    create("totals", "SELECT count(*) AS n, sum(score) AS total, max(score) AS best FROM game_scores",
        RefreshMode.DIFFERENTIAL);
    db.execute("DELETE FROM game_scores", "SELECT pgtrickle.refresh_stream_table('totals')");
    assertEquals(List.of(List.of(0L, "null", "null")),
        db.query("SELECT n, coalesce(total::text, 'null'), coalesce(best::text, 'null') FROM totals"));
    db.execute("INSERT INTO game_scores (player_id, score) VALUES (1, 4)", "SELECT pgtrickle.refresh_stream_table('totals')");
    assertEquals(List.of(List.of(1L, 4L, 4)), db.query("SELECT n, total, best FROM totals"));
  }

  @Test
  void shouldRefreshFullAfterATruncateAndSayWhy() {
    create("per_player", "SELECT player_id, count(*) AS plays FROM game_scores GROUP BY player_id", RefreshMode.DIFFERENTIAL);
    db.execute("TRUNCATE game_scores", "INSERT INTO game_scores (player_id, score) VALUES (1, 1)",
        "SELECT pgtrickle.refresh_stream_table('per_player')");
    assertEquals(List.of("FULL", "a source was truncated"), List.of(lastRefresh("per_player").get(0).get(0),
        lastRefresh("per_player").get(0).get(4)));
    assertMatchesQuery(db, "per_player", "after truncate");
  }

  @Test
  void shouldNoticeATruncateThatFollowsMoreChangesThanTheSourceHasRows() {
    create("per_player", "SELECT player_id, count(*) AS plays FROM game_scores GROUP BY player_id", RefreshMode.DIFFERENTIAL);
    db.execute("ANALYZE game_scores",
        "INSERT INTO game_scores (player_id, score) SELECT g % 10, g FROM generate_series(1, 300) g",
        "TRUNCATE game_scores", "INSERT INTO game_scores (player_id, score) VALUES (1, 1)",
        "SELECT pgtrickle.refresh_stream_table('per_player')");
    List<Object> refresh = lastRefresh("per_player").get(0);
    assertEquals("FULL", refresh.get(0));
    assertEquals("a source was truncated", refresh.get(4));
    assertMatchesQuery(db, "per_player", "after inserts and a truncate");
  }

  @Test
  void shouldFallBackToFullUnderAutoWhenMostRowsChanged() {
    create("per_player", "SELECT player_id, sum(score) AS total FROM game_scores GROUP BY player_id", RefreshMode.AUTO);
    db.execute("ANALYZE game_scores", "UPDATE game_scores SET score = score + 1 WHERE score_id <= 30",
        "SELECT pgtrickle.refresh_stream_table('per_player')");
    List<Object> refresh = lastRefresh("per_player").get(0);
    assertEquals("FULL", refresh.get(0));
    assertTrue(((String) refresh.get(4)).contains("exceed pgtrickle.differential_max_change_ratio = 0.15"), refresh.toString());

    db.execute("SET pgtrickle.differential_max_change_ratio = '0.9'",
        "UPDATE game_scores SET score = score + 1 WHERE score_id <= 30",
        "SELECT pgtrickle.refresh_stream_table('per_player')");
    assertEquals("DIFFERENTIAL", lastAction(db, "per_player"));
    assertNull(lastRefresh("per_player").get(0).get(4));
    assertMatchesQuery(db, "per_player", "after both refreshes");

    db.execute("UPDATE game_scores SET score = 0");
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> db.execute(
        "SET pgtrickle.differential_max_change_ratio = 'lots'", "SELECT pgtrickle.refresh_stream_table('per_player')"));
    assertTrue(error.getMessage().contains("pgtrickle.differential_max_change_ratio must be a number"), error.getMessage());
  }

  @Test
  void shouldExplainProgramsWithoutStoringAnything() {
    db.execute("SELECT pgtrickle.create_stream_table('leaderboard', '" + LEADERBOARD.replace("'", "''") + "', '1m')");
    Explanation explanation = definitions.explain("leaderboard");
    assertEquals(RefreshMode.DIFFERENTIAL, explanation.effectiveMode());
    assertTrue(explanation.operatorTree().contains("Window [rank() OVER"), explanation.operatorTree());
    assertTrue(explanation.differentialSql().contains("UPDATE public.leaderboard s SET"), explanation.differentialSql());
    assertEquals(0L, db.queryLong("SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE refresh_program IS NOT NULL"));
  }

  @Test
  void shouldDropTheBranchesOfUnchangedSourcesYetNotMissAChangeCommittedMeanwhile() {
    db.execute("DROP TABLE IF EXISTS players",
        "CREATE TABLE players (player_id int PRIMARY KEY, name text)",
        "INSERT INTO players SELECT g, 'p' || g FROM generate_series(0, 9) g");
    create("named", "SELECT p.name, s.score FROM game_scores s JOIN players p ON p.player_id = s.player_id",
        RefreshMode.DIFFERENTIAL);
    String program = "(SELECT st FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_name = 'named')";
    String rows = "pgtrickle._delta_rows_sql(" + program + ", NULL, NULL)";
    String players = "ARRAY['players'::regclass::oid]";
    assertEquals(Boolean.FALSE, db.queryValue("SELECT pgtrickle._prune_branches(" + rows + ", " + players
        + ") LIKE '%/*<pgt%'"), "both branches reading the change of players are dropped");
    db.execute("INSERT INTO game_scores (player_id, score) VALUES (3, 1000)",
        "UPDATE players SET name = 'renamed' WHERE player_id = 4");
    // A refresh that found players unchanged on its first look must see the change in its statement.
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> db.execute(
        "SELECT pgtrickle._run(" + program + ", pgtrickle._prune_branches(" + rows + ", " + players + "), false, 0, 0, "
            + "pgtrickle._unchanged_sql(" + program + ", " + players + ", NULL, NULL))"));
    assertEquals("PT409", ((java.sql.SQLException) error.getCause()).getSQLState(), error.getMessage());
    db.execute("SELECT pgtrickle.refresh_stream_table('named')");
    assertMatchesQuery(db, "named", "after a change to both sources");
    db.execute("INSERT INTO game_scores (player_id, score) VALUES (4, 5)",
        "SELECT pgtrickle.refresh_stream_table('named')");
    assertMatchesQuery(db, "named", "after a change to one source, its other branches dropped");
  }

  @Test
  void shouldReadTheRowsOfAnUnchangedSourceAsTheyAreWhereItsOldRowsAreRead() {
    db.execute("DROP TABLE IF EXISTS players",
        "CREATE TABLE players (player_id int PRIMARY KEY, name text)",
        "INSERT INTO players SELECT g, 'p' || g FROM generate_series(0, 11) g");
    create("plays", "SELECT p.name, s.score_id FROM players p LEFT JOIN game_scores s ON s.player_id = p.player_id",
        RefreshMode.DIFFERENTIAL);
    String rows = "pgtrickle._delta_rows_sql((SELECT st FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_name = 'plays'), "
        + "NULL, NULL)";
    String probes = "SELECT strpos(p, '/*<alt " + oid("players") + " ') > 0, "
        + "strpos(p, '__pgt_keep FROM \"public\".\"players\"') > 0, "
        + "strpos(p, '(SELECT \"player_id\", \"name\" FROM \"public\".\"players\")') > 0 FROM (SELECT ";
    assertEquals(List.of(List.of(true, true, true)), db.query(probes + rows + " AS p) q"),
        "the old rows of players are a union of untouched rows and old images, marked with SQL reading its rows");
    assertEquals(List.of(List.of(false, false, true)), db.query(probes + "pgtrickle._prune_branches(" + rows
        + ", ARRAY['players'::regclass::oid]) AS p) q"), "players unchanged: its rows are read as they are");
    db.execute("INSERT INTO game_scores (player_id, score) VALUES (11, 5)", "DELETE FROM game_scores WHERE player_id = 3",
        "SELECT pgtrickle.refresh_stream_table('plays')");
    assertMatchesQuery(db, "plays", "after a change to game_scores only");
  }

  @Test
  void shouldKeepTheBranchesOfASubqueryInFromWhenOneOfItsSourcesChanged() {
    db.execute("DROP TABLE IF EXISTS players, teams",
        "CREATE TABLE players (player_id int PRIMARY KEY, name text)",
        "CREATE TABLE teams (player_id int PRIMARY KEY, team text)",
        "INSERT INTO players SELECT g, 'p' || g FROM generate_series(0, 9) g",
        "INSERT INTO teams SELECT g, 't' || (g % 3) FROM generate_series(0, 9) g");
    create("rosters", "SELECT t.team, x.name, x.score FROM teams t JOIN (SELECT p.player_id, p.name, s.score "
        + "FROM game_scores s JOIN players p ON p.player_id = s.player_id) x ON x.player_id = t.player_id",
        RefreshMode.DIFFERENTIAL);
    db.execute("INSERT INTO game_scores (player_id, score) VALUES (2, 700)",
        "SELECT pgtrickle.refresh_stream_table('rosters')");
    assertMatchesQuery(db, "rosters", "after a change to one of the subquery's two sources");
  }

  private static long oid(String table) {
    return db.queryLong("SELECT '" + table + "'::regclass::oid");
  }
}
