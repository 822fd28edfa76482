-- outputs: player_id integer, player_name text, total_score bigint, games_played bigint, rank bigint
SELECT game_scores.player_id, game_scores.player_name, sum(game_scores.score) AS total_score,
    count(*) AS games_played, rank() OVER (ORDER BY (sum(game_scores.score)) DESC) AS rank
   FROM public.game_scores
  GROUP BY game_scores.player_id, game_scores.player_name
