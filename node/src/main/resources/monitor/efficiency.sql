-- refresh_efficiency() with the advisor's verdict for each stream table.
SELECT coalesce(jsonb_agg(jsonb_build_object(
           'stream_table', format('%I.%I', e.pgt_schema, e.pgt_name), 'refresh_mode', e.refresh_mode,
           'total_refreshes', e.total_refreshes, 'diff_count', e.diff_count, 'full_count', e.full_count,
           'no_data_count', e.no_data_count, 'avg_diff_ms', e.avg_diff_ms, 'avg_full_ms', e.avg_full_ms,
           'avg_change_ratio', e.avg_change_ratio, 'diff_speedup', e.diff_speedup,
           'recommended_mode', r.recommended_mode, 'confidence', r.confidence, 'reason', r.reason)
         ORDER BY e.pgt_schema, e.pgt_name), '[]'::jsonb)
  FROM pgtrickle.refresh_efficiency() e
  LEFT JOIN pgtrickle.recommend_refresh_mode() r ON r.pgt_schema = e.pgt_schema AND r.pgt_name = e.pgt_name
