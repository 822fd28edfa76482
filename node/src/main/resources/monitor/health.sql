-- health_check() and the quick_health summary.
SELECT jsonb_build_object(
    'summary', (SELECT to_jsonb(q) FROM pgtrickle.quick_health q),
    'checks', (SELECT jsonb_agg(to_jsonb(h)) FROM pgtrickle.health_check() h),
    'nodes', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                  'node', n.node, 'http_url', n.http_url, 'started_at', n.started_at, 'last_seen_at', n.last_seen_at,
                  'alive', n.last_seen_at > clock_timestamp() - interval '30 seconds') ORDER BY n.node), '[]'::jsonb)
                FROM pgtrickle.pgt_nodes n))
