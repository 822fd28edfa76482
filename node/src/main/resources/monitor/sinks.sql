-- sink_status() with the sink's last file and its lag: how long the oldest undelivered refresh
-- has waited (0 when everything is delivered).
SELECT coalesce(jsonb_agg(jsonb_build_object(
           'stream_table', k.name, 'sink', k.sink, 'mode', k.sink_mode, 'path', k.sink_path,
           'ducklake_table_id', k.ducklake_table_id, 'delivered_refresh_id', k.delivered_refresh_id,
           'delivered_at', k.delivered_at, 'pending_refreshes', k.pending_refreshes, 'pending_rows', k.pending_rows,
           'lag_seconds', coalesce(round(extract(epoch FROM clock_timestamp() - lag.oldest)::numeric, 3), 0),
           'consecutive_errors', k.consecutive_errors, 'last_error', k.last_error, 'last_error_at', k.last_error_at,
           'last_file', last_file.file_path, 'last_file_rows', last_file.delta_row_count,
           'last_file_at', last_file.written_at, 'files', last_file.files)
         ORDER BY k.name), '[]'::jsonb)
  FROM pgtrickle.sink_status() k
  JOIN pgtrickle.pgt_stream_tables st ON pgtrickle._display_name(st) = k.name
  LEFT JOIN LATERAL (SELECT min(h.end_time) AS oldest FROM pgtrickle._undelivered_refreshes(st.pgt_id) h) lag ON true
  LEFT JOIN LATERAL (SELECT p.file_path, p.delta_row_count, p.written_at,
                            (SELECT count(*) FROM pgtrickle.pgt_ducklake_provenance a WHERE a.pgt_id = st.pgt_id) AS files
                       FROM pgtrickle.pgt_ducklake_provenance p WHERE p.pgt_id = st.pgt_id
                      ORDER BY p.provenance_id DESC LIMIT 1) last_file ON true
