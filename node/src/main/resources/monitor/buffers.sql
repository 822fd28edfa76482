-- Change buffers: rows waiting for refreshes (the statistics' live-tuple estimate) and size.
SELECT coalesce(jsonb_agg(jsonb_build_object(
           'source_table', pgtrickle._qualified(t.source_relid), 'source_type', t.source_type,
           'buffer', format('pgtrickle_changes.%I', s.relname), 'pending_rows', s.n_live_tup,
           'bytes', pg_total_relation_size(s.relid)) ORDER BY pgtrickle._qualified(t.source_relid)), '[]'::jsonb)
  FROM pgtrickle.pgt_change_tracking t
  JOIN pg_stat_all_tables s ON s.schemaname = 'pgtrickle_changes' AND s.relname = 'changes_' || t.source_relid
