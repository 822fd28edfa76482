-- The latest refreshes (NO_DATA ones only when asked), newest first; ? = stream table name or
-- NULL for all, ? = include NO_DATA, ? = how many.
SELECT coalesce(jsonb_agg(r ORDER BY r.refresh_id DESC), '[]'::jsonb)
  FROM (SELECT h.refresh_id, pgtrickle._display_name(st) AS stream_table, h.action, h.status, h.initiated_by,
               h.start_time, h.end_time,
               round(extract(epoch FROM h.end_time - h.start_time)::numeric * 1000, 1) AS duration_ms,
               h.rows_inserted, h.rows_updated, h.rows_deleted, h.delta_row_count, h.error_message
          FROM pgtrickle.pgt_refresh_history h JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = h.pgt_id
         WHERE (CAST(? AS text) IS NULL OR st.pgt_id = (pgtrickle._find(CAST(? AS text))).pgt_id)
           AND (? OR h.action <> 'NO_DATA')
         ORDER BY h.refresh_id DESC
         LIMIT ?) r
