-- Every stream table with its state, size, last refresh, sink and staleness. Row counts are exact
-- below 100,000 live rows and the statistics' estimate above.
SELECT coalesce(jsonb_agg(t ORDER BY t.name), '[]'::jsonb)
  FROM (SELECT st.pgt_id AS id,
               pgtrickle._display_name(st) AS name,
               st.status,
               st.refresh_mode,
               st.effective_refresh_mode,
               st.refresh_mode_reason AS mode_reason,
               st.schedule,
               round(extract(epoch FROM e.expected)::numeric, 3) AS expected_interval_seconds,
               round(extract(epoch FROM clock_timestamp() - st.data_timestamp)::numeric, 3) AS staleness_seconds,
               stale.pgt_id IS NOT NULL AS stale,
               st.data_timestamp,
               st.last_refresh_at,
               st.is_populated AS populated,
               st.consecutive_errors,
               st.last_error_message AS last_error,
               st.diamond_consistency,
               coalesce(st.original_query, st.defining_query) AS defining_query,
               CASE WHEN coalesce(s.n_live_tup, 0) < 100000
                    THEN (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', st.pgt_relid::regclass),
                                                             false, true, '')))[1]::text::bigint
                    ELSE s.n_live_tup END AS rows,
               (SELECT jsonb_build_object('refresh_id', h.refresh_id, 'action', h.action, 'status', h.status,
                                          'start_time', h.start_time,
                                          'duration_ms', round(extract(epoch FROM h.end_time - h.start_time)::numeric * 1000, 1),
                                          'rows_inserted', h.rows_inserted, 'rows_updated', h.rows_updated,
                                          'rows_deleted', h.rows_deleted, 'error_message', h.error_message)
                  FROM pgtrickle.pgt_refresh_history h
                 WHERE h.pgt_id = st.pgt_id AND h.action <> 'NO_DATA'
                 ORDER BY h.refresh_id DESC LIMIT 1) AS last_refresh,
               CASE WHEN k.name IS NOT NULL
                    THEN jsonb_build_object('sink', k.sink, 'mode', k.sink_mode, 'path', k.sink_path,
                                           'pending_refreshes', k.pending_refreshes, 'pending_rows', k.pending_rows,
                                           'last_error', k.last_error) END AS sink
          FROM pgtrickle.pgt_stream_tables st
          LEFT JOIN pgtrickle._expected_intervals() e ON e.pgt_id = st.pgt_id
          LEFT JOIN pgtrickle._stale_tables() stale ON stale.pgt_id = st.pgt_id
          LEFT JOIN pgtrickle.sink_status() k ON k.name = pgtrickle._display_name(st)
          LEFT JOIN pg_stat_all_tables s ON s.relid = st.pgt_relid) t
