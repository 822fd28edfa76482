-- The multi-engine leaderboard: game score events and two stream tables over them.
CREATE TABLE IF NOT EXISTS game_scores (
    score_id    bigserial PRIMARY KEY,
    player_id   integer NOT NULL,
    player_name text NOT NULL,
    game_id     integer NOT NULL,
    score       integer NOT NULL,
    scored_at   timestamptz NOT NULL DEFAULT now()
);

SELECT pgtrickle.create_stream_table(
    name         => 'top_players',
    query        => $$
        SELECT player_id,
               player_name,
               SUM(score) AS total_score,
               COUNT(*) AS games_played,
               RANK() OVER (ORDER BY SUM(score) DESC) AS rank
          FROM game_scores
         GROUP BY player_id, player_name
    $$,
    schedule     => '5s',
    refresh_mode => 'DIFFERENTIAL')
 WHERE to_regclass('top_players') IS NULL;

SELECT pgtrickle.create_stream_table(
    name         => 'scores_by_game',
    query        => $$
        SELECT game_id,
               COUNT(*) AS plays,
               SUM(score) AS total_score,
               ROUND(AVG(score), 2) AS avg_score,
               MAX(score) AS max_score,
               COUNT(DISTINCT player_id) AS unique_players
          FROM game_scores
         GROUP BY game_id
    $$,
    schedule     => '5s',
    refresh_mode => 'DIFFERENTIAL')
 WHERE to_regclass('scores_by_game') IS NULL;

-- What the node's web dashboard shows in its scenario panel.
INSERT INTO pgtrickle.pgt_dashboard_panels (title, query, position) VALUES
    ('Leaderboard: top 10 players',
     'SELECT rank, player_name, total_score, games_played FROM top_players ORDER BY rank, player_name LIMIT 10', 1),
    ('Scores by game',
     'SELECT game_id, plays, total_score, avg_score, max_score, unique_players FROM scores_by_game ORDER BY game_id', 2)
ON CONFLICT (title) DO NOTHING;
