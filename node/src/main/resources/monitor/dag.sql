-- The dependency graph: stream tables and the tables they read, edges from source to reader,
-- and each node's level (base tables 0; a stream table one more than its highest source).
WITH RECURSIVE edges AS (
    SELECT DISTINCT d.source_relid AS source, st.pgt_relid AS target
      FROM pgtrickle.pgt_dependencies d JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = d.pgt_id
     WHERE d.source_type <> 'VIEW'),
relations AS (
    SELECT source AS relid FROM edges UNION SELECT target FROM edges
    UNION SELECT pgt_relid FROM pgtrickle.pgt_stream_tables),
paths (relid, level) AS (
    SELECT r.relid, 0 FROM relations r WHERE NOT EXISTS (SELECT 1 FROM edges e WHERE e.target = r.relid)
    UNION
    SELECT e.target, p.level + 1 FROM paths p JOIN edges e ON e.source = p.relid WHERE p.level < 64),
levels AS (SELECT relid, max(level) AS level FROM paths GROUP BY relid)
SELECT jsonb_build_object(
    'nodes', coalesce((SELECT jsonb_agg(jsonb_build_object(
                         'name', CASE WHEN st.pgt_id IS NULL THEN pgtrickle._qualified(l.relid) ELSE pgtrickle._display_name(st) END,
                         'kind', CASE WHEN st.pgt_id IS NULL THEN 'source' ELSE 'stream_table' END,
                         'id', st.pgt_id, 'level', l.level, 'status', st.status,
                         'refresh_mode', coalesce(st.effective_refresh_mode, st.refresh_mode), 'schedule', st.schedule)
                       ORDER BY l.level, CASE WHEN st.pgt_id IS NULL THEN pgtrickle._qualified(l.relid) ELSE pgtrickle._display_name(st) END)
                  FROM levels l LEFT JOIN pgtrickle.pgt_stream_tables st ON st.pgt_relid = l.relid), '[]'::jsonb),
    'edges', coalesce((SELECT jsonb_agg(jsonb_build_object(
                         'from', CASE WHEN s.pgt_id IS NULL THEN pgtrickle._qualified(e.source) ELSE pgtrickle._display_name(s) END,
                         'to', pgtrickle._display_name(t)) ORDER BY 1)
                  FROM edges e LEFT JOIN pgtrickle.pgt_stream_tables s ON s.pgt_relid = e.source
                  JOIN pgtrickle.pgt_stream_tables t ON t.pgt_relid = e.target), '[]'::jsonb))
