-- Health: node heartbeats, health_check(), the quick_health view, and the alerts raised for
-- conditions that last (stale data, growing change buffers).

-- A schedule as an interval: durations and the @ aliases; NULL for 'calculated' and cron
-- expressions (which have no fixed period).
CREATE OR REPLACE FUNCTION pgtrickle._schedule_interval(p_schedule text)
RETURNS interval
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_schedule ~ '^([0-9]+(ms|s|m|h|d|w))+$' THEN
            (SELECT sum(m[1]::numeric * CASE m[2] WHEN 'ms' THEN 1 WHEN 's' THEN 1000 WHEN 'm' THEN 60000
                                                  WHEN 'h' THEN 3600000 WHEN 'd' THEN 86400000 ELSE 604800000 END)
               FROM regexp_matches(p_schedule, '([0-9]+)(ms|s|m|h|d|w)', 'g') m) * interval '1 millisecond'
        WHEN p_schedule = '@hourly' THEN interval '1 hour'
        WHEN p_schedule IN ('@daily', '@midnight') THEN interval '1 day'
        WHEN p_schedule = '@weekly' THEN interval '7 days'
        WHEN p_schedule = '@monthly' THEN interval '31 days'
        WHEN p_schedule IN ('@yearly', '@annually') THEN interval '366 days'
    END
$$;

-- How often each stream table is expected to refresh: its schedule, or for a calculated one the
-- shortest schedule among the stream tables that read it, directly or through others.
CREATE OR REPLACE FUNCTION pgtrickle._expected_intervals()
RETURNS TABLE (pgt_id bigint, expected interval)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE expected(pgt_id, every, depth) AS (
        SELECT st.pgt_id, pgtrickle._schedule_interval(st.schedule), 0 FROM pgtrickle.pgt_stream_tables st
        UNION ALL
        SELECT upstream.pgt_id, e.every, e.depth + 1
          FROM expected e
          JOIN pgtrickle.pgt_dependencies d ON d.pgt_id = e.pgt_id
          JOIN pgtrickle.pgt_stream_tables upstream ON upstream.pgt_relid = d.source_relid
         WHERE e.every IS NOT NULL AND upstream.schedule = 'calculated' AND e.depth < 64)
    SELECT e.pgt_id, min(e.every) FROM expected e GROUP BY e.pgt_id
$$;

-- Active stream tables whose data is more than twice their expected interval (and at least
-- 5 s) old. IMMEDIATE tables are current after every statement and never stale.
CREATE OR REPLACE FUNCTION pgtrickle._stale_tables()
RETURNS TABLE (pgt_id bigint, name text, staleness interval, expected interval)
LANGUAGE sql STABLE AS $$
    SELECT st.pgt_id, pgtrickle._display_name(st), clock_timestamp() - st.data_timestamp, e.expected
      FROM pgtrickle.pgt_stream_tables st
      JOIN pgtrickle._expected_intervals() e ON e.pgt_id = st.pgt_id
     WHERE st.status = 'ACTIVE' AND st.is_populated AND e.expected IS NOT NULL
       AND coalesce(st.effective_refresh_mode, st.refresh_mode) <> 'IMMEDIATE'
       AND clock_timestamp() - st.data_timestamp > greatest(2 * e.expected, interval '5 seconds')
$$;

-- Change buffers holding more rows than pgtrickle.buffer_warning_rows (default 1,000,000):
-- changes arrive faster than refreshes consume them, or nothing refreshes. Row counts are the
-- statistics' live-tuple estimates, so reading them costs nothing.
CREATE OR REPLACE FUNCTION pgtrickle._growing_buffers()
RETURNS TABLE (source text, buffer text, pending_rows bigint, threshold bigint)
LANGUAGE sql STABLE AS $$
    SELECT pgtrickle._qualified(t.source_relid), format('pgtrickle_changes.%I', s.relname), s.n_live_tup, w.threshold
      FROM pgtrickle.pgt_change_tracking t
      JOIN pg_stat_all_tables s ON s.schemaname = 'pgtrickle_changes' AND s.relname = 'changes_' || t.source_relid
      CROSS JOIN (SELECT coalesce(nullif(current_setting('pgtrickle.buffer_warning_rows', true), '')::bigint, 1000000)
                         AS threshold) w
     WHERE s.n_live_tup > w.threshold
$$;

-- A node's heartbeat: records it as alive (with where its HTTP API answers) and raises the
-- alerts of conditions that began since the last heartbeat of any node. Nodes not seen for a
-- day are forgotten.
CREATE OR REPLACE FUNCTION pgtrickle._node_heartbeat(p_node text, p_http_url text, p_started_at timestamptz)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pgtrickle.pgt_nodes AS n (node, http_url, started_at, last_seen_at)
    VALUES (p_node, p_http_url, p_started_at, clock_timestamp())
    ON CONFLICT (node) DO UPDATE SET http_url = excluded.http_url, started_at = excluded.started_at,
                                     last_seen_at = excluded.last_seen_at;
    DELETE FROM pgtrickle.pgt_nodes n WHERE n.last_seen_at < clock_timestamp() - interval '1 day';
    PERFORM pgtrickle._raise_condition_alerts();
END $$;

-- A node leaving the cluster.
CREATE OR REPLACE FUNCTION pgtrickle._node_left(p_node text)
RETURNS void
LANGUAGE sql AS $$
    DELETE FROM pgtrickle.pgt_nodes WHERE node = p_node
$$;

-- Announces stale_data and buffer_growth_warning for conditions that began, once each, and
-- forgets those that ended (so they are announced again if they come back). Heartbeats of
-- several nodes take turns (a transaction-level advisory lock).
CREATE OR REPLACE FUNCTION pgtrickle._raise_condition_alerts()
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_ignored bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('pgtrickle.alert_conditions'));
    WITH current_conditions (alert, subject, fields) AS (
        SELECT 'stale_data', s.name,
               jsonb_build_object('stream_table', s.name,
                                  'staleness_seconds', round(extract(epoch FROM s.staleness)::numeric, 1),
                                  'expected_seconds', round(extract(epoch FROM s.expected)::numeric, 1))
          FROM pgtrickle._stale_tables() s
        UNION ALL
        SELECT 'buffer_growth_warning', b.source,
               jsonb_build_object('source_table', b.source, 'buffer', b.buffer, 'pending_rows', b.pending_rows,
                                  'threshold', b.threshold)
          FROM pgtrickle._growing_buffers() b),
    ended AS (
        DELETE FROM pgtrickle.pgt_alert_conditions c
         WHERE NOT EXISTS (SELECT 1 FROM current_conditions n WHERE n.alert = c.alert AND n.subject = c.subject)),
    began AS (
        INSERT INTO pgtrickle.pgt_alert_conditions (alert, subject)
        SELECT n.alert, n.subject FROM current_conditions n
        ON CONFLICT DO NOTHING
        RETURNING alert, subject)
    SELECT count(pgtrickle._alert(b.alert, n.fields)) INTO STRICT v_ignored
      FROM began b JOIN current_conditions n ON n.alert = b.alert AND n.subject = b.subject;
END $$;

-- One row per check, severity OK, WARN or ERROR; a healthy installation has only OK rows:
--   SELECT * FROM pgtrickle.health_check() WHERE severity <> 'OK';
DROP FUNCTION IF EXISTS pgtrickle.health_check();
CREATE FUNCTION pgtrickle.health_check()
RETURNS TABLE (check_name text, severity text, detail text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_tables bigint := (SELECT count(*) FROM pgtrickle.pgt_stream_tables);
    v_nodes text;
    v_nodes_alive bigint;
    v_list text;
    v_count bigint;
BEGIN
    SELECT count(*), string_agg(n.node, ', ' ORDER BY n.node) INTO v_nodes_alive, v_nodes
      FROM pgtrickle.pgt_nodes n WHERE n.last_seen_at > clock_timestamp() - interval '30 seconds';
    check_name := 'nodes';
    IF v_nodes_alive > 0 THEN
        severity := 'OK';
        detail := format('%s node(s) alive: %s', v_nodes_alive, v_nodes);
    ELSIF v_tables > 0 THEN
        severity := 'ERROR';
        detail := format('no Trickle node has reported in the last 30 s, so %s stream table(s) are not being refreshed; start a node (trickle node --db ...)', v_tables);
    ELSE
        severity := 'WARN';
        detail := 'no Trickle node has reported in the last 30 s (and there are no stream tables yet)';
    END IF;
    RETURN NEXT;

    SELECT count(*), string_agg(format('%s (%s)', pgtrickle._display_name(st), left(coalesce(st.last_error_message, 'no message'), 200)), '; ' ORDER BY st.pgt_schema, st.pgt_name)
      INTO v_count, v_list FROM pgtrickle.pgt_stream_tables st WHERE st.status = 'ERROR';
    RETURN QUERY SELECT 'error_tables', CASE WHEN v_count > 0 THEN 'ERROR' ELSE 'OK' END,
                        CASE WHEN v_count > 0 THEN format('%s stream table(s) in ERROR: %s', v_count, v_list)
                             ELSE 'no stream table is in ERROR' END;

    SELECT count(*), string_agg(pgtrickle._display_name(st), ', ' ORDER BY st.pgt_schema, st.pgt_name)
      INTO v_count, v_list FROM pgtrickle.pgt_stream_tables st WHERE st.status = 'SUSPENDED';
    RETURN QUERY SELECT 'suspended_tables', CASE WHEN v_count > 0 THEN 'WARN' ELSE 'OK' END,
                        CASE WHEN v_count > 0 THEN format('%s stream table(s) suspended: %s; resume with pgtrickle.resume_stream_table(name)', v_count, v_list)
                             ELSE 'no stream table is suspended' END;

    SELECT count(*), string_agg(format('%s (%s in a row: %s)', pgtrickle._display_name(st), st.consecutive_errors,
                                       left(coalesce(st.last_error_message, 'no message'), 200)), '; ' ORDER BY st.pgt_schema, st.pgt_name)
      INTO v_count, v_list FROM pgtrickle.pgt_stream_tables st WHERE st.consecutive_errors > 0 AND st.status <> 'ERROR';
    RETURN QUERY SELECT 'consecutive_errors', CASE WHEN v_count > 0 THEN 'WARN' ELSE 'OK' END,
                        CASE WHEN v_count > 0 THEN format('%s stream table(s) failing their refreshes: %s', v_count, v_list)
                             ELSE 'no stream table has failed its last refresh' END;

    SELECT count(*), string_agg(format('%s (%s s old, expected every %s s)', s.name,
                                       round(extract(epoch FROM s.staleness)::numeric, 1),
                                       round(extract(epoch FROM s.expected)::numeric, 1)), '; ' ORDER BY s.name)
      INTO v_count, v_list FROM pgtrickle._stale_tables() s;
    RETURN QUERY SELECT 'stale_tables', CASE WHEN v_count > 0 THEN 'WARN' ELSE 'OK' END,
                        CASE WHEN v_count > 0 THEN format('%s stream table(s) more than twice their schedule behind: %s', v_count, v_list)
                             ELSE 'every active stream table is within twice its schedule' END;

    SELECT count(*), string_agg(format('%s (%s rows pending, warning above %s)', b.source, b.pending_rows, b.threshold), '; ' ORDER BY b.source)
      INTO v_count, v_list FROM pgtrickle._growing_buffers() b;
    RETURN QUERY SELECT 'buffer_growth', CASE WHEN v_count > 0 THEN 'WARN' ELSE 'OK' END,
                        CASE WHEN v_count > 0 THEN format('%s change buffer(s) growing: %s', v_count, v_list)
                             ELSE 'every change buffer is below its warning size' END;

    SELECT count(*), string_agg(format('%s (%s refreshes, %s rows undelivered%s)', k.name, k.pending_refreshes, k.pending_rows,
                                       CASE WHEN k.consecutive_errors > 0 THEN format('; %s failed deliveries: %s', k.consecutive_errors, left(k.last_error, 200)) ELSE '' END),
                                '; ' ORDER BY k.name)
      INTO v_count, v_list FROM pgtrickle.sink_status() k WHERE k.consecutive_errors > 0 OR k.pending_refreshes > 10;
    RETURN QUERY SELECT 'sink_lag', CASE WHEN v_count > 0 THEN 'WARN' ELSE 'OK' END,
                        CASE WHEN v_count > 0 THEN format('%s sink(s) behind or failing: %s', v_count, v_list)
                             ELSE 'every sink is delivering (at most 10 refreshes behind)' END;
END $$;

-- One row: the worst severity of health_check() and the counts behind it.
DROP VIEW IF EXISTS pgtrickle.quick_health;
CREATE VIEW pgtrickle.quick_health AS
SELECT CASE WHEN bool_or(h.severity = 'ERROR') THEN 'ERROR' WHEN bool_or(h.severity = 'WARN') THEN 'WARN' ELSE 'OK' END AS status,
       (SELECT count(*) FROM pgtrickle.pgt_stream_tables) AS total_stream_tables,
       (SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE status = 'ACTIVE') AS active_tables,
       (SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE status = 'ERROR') AS error_tables,
       (SELECT count(*) FROM pgtrickle.pgt_stream_tables WHERE status = 'SUSPENDED') AS suspended_tables,
       (SELECT count(*) FROM pgtrickle._stale_tables()) AS stale_tables,
       (SELECT count(*) FROM pgtrickle.pgt_nodes WHERE last_seen_at > clock_timestamp() - interval '30 seconds') AS nodes_alive,
       coalesce(string_agg(h.check_name, ', ') FILTER (WHERE h.severity <> 'OK'), '') AS failing_checks
  FROM pgtrickle.health_check() h;
