#!/usr/bin/env python3
"""Ranking history of the Trickle leaderboard demo, from the Parquet deltas its DuckLake sink wrote.

Every refresh of top_players appended one Parquet file: the rows it inserted (__pgt_op = 'I') and
deleted ('D'), each with its row identity (__pgt_row_id) and refresh (__pgt_refresh_id). Replaying
them in refresh order gives the leaderboard as of any refresh, so DuckDB can answer questions
PostgreSQL only knows the present answer to.

    pip install duckdb
    python3 leaderboard_history.py /tmp/trickle-demo-lake/        # the lake `trickle demo leaderboard` printed

For an s3:// lake, configure DuckDB's httpfs (CREATE SECRET ...) first. leaderboard_analysis.ipynb
runs the same queries and plots them.
"""
import sys

# Each query reads the deltas under $LAKE (the lake's URL or directory, ending with '/').
QUERIES = {
    "deltas_per_refresh": """
SELECT __pgt_refresh_id AS refresh_id,
       count(*) FILTER (WHERE __pgt_op = 'I') AS rows_inserted,
       count(*) FILTER (WHERE __pgt_op = 'D') AS rows_deleted
  FROM read_parquet('$LAKEtop_players/*.parquet')
 GROUP BY refresh_id
 ORDER BY refresh_id
""",
    "current_leaderboard": """
SELECT rank, player_name, total_score, games_played
  FROM (SELECT *, row_number() OVER (PARTITION BY __pgt_row_id
                                     ORDER BY __pgt_refresh_id DESC, __pgt_op = 'I' DESC) AS latest
          FROM read_parquet('$LAKEtop_players/*.parquet'))
 WHERE latest = 1 AND __pgt_op = 'I'
 ORDER BY rank, player_name
 LIMIT 10
""",
    "rank_history_of_leaders": """
WITH deltas AS (SELECT * FROM read_parquet('$LAKEtop_players/*.parquet')),
     leaders AS (SELECT player_id
                   FROM (SELECT *, row_number() OVER (PARTITION BY __pgt_row_id
                                                      ORDER BY __pgt_refresh_id DESC, __pgt_op = 'I' DESC) AS latest
                           FROM deltas)
                  WHERE latest = 1 AND __pgt_op = 'I'
                  ORDER BY rank, player_id
                  LIMIT 5)
SELECT d.__pgt_refresh_id AS refresh_id, d.player_name, d.rank, d.total_score
  FROM deltas d JOIN leaders USING (player_id)
 WHERE d.__pgt_op = 'I'
 ORDER BY refresh_id, d.rank
""",
    "leader_changes": """
SELECT __pgt_refresh_id AS refresh_id, player_name, total_score
  FROM read_parquet('$LAKEtop_players/*.parquet')
 WHERE __pgt_op = 'I' AND rank = 1
 ORDER BY refresh_id, player_name
""",
    "games_over_time": """
SELECT __pgt_refresh_id AS refresh_id, game_id, plays, total_score, unique_players
  FROM read_parquet('$LAKEscores_by_game/*.parquet')
 WHERE __pgt_op = 'I'
 ORDER BY refresh_id, game_id
""",
}


def main(lake):
    import duckdb

    lake = lake[len("file://"):] if lake.startswith("file://") else lake
    lake = lake if lake.endswith("/") else lake + "/"
    connection = duckdb.connect()
    for name, sql in QUERIES.items():
        print(f"== {name}")
        print(connection.sql(sql.replace("$LAKE", lake)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: leaderboard_history.py LAKE   (e.g. /tmp/trickle-demo-lake/)")
    main(sys.argv[1])
