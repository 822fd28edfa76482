-- Refresh efficiency and the refresh mode advisor, from each stream table's refresh history.

-- Per stream table: completed refreshes by action, mean duration of DIFFERENTIAL and FULL ones
-- (REINITIALIZE counts as FULL), mean change ratio of the refreshes that measured one, and how
-- many times faster DIFFERENTIAL is on average.
DROP FUNCTION IF EXISTS pgtrickle.refresh_efficiency();
CREATE FUNCTION pgtrickle.refresh_efficiency()
RETURNS TABLE (
    pgt_schema       text,
    pgt_name         text,
    refresh_mode     text,
    total_refreshes  bigint,
    diff_count       bigint,
    full_count       bigint,
    no_data_count    bigint,
    avg_diff_ms      numeric,
    avg_full_ms      numeric,
    avg_change_ratio numeric,
    diff_speedup     numeric,
    last_refresh_at  timestamptz,
    pgt_id           bigint)
LANGUAGE sql STABLE AS $$
    SELECT st.pgt_schema, st.pgt_name, st.refresh_mode,
           count(h.refresh_id),
           count(h.refresh_id) FILTER (WHERE h.action = 'DIFFERENTIAL'),
           count(h.refresh_id) FILTER (WHERE h.action IN ('FULL', 'REINITIALIZE')),
           count(h.refresh_id) FILTER (WHERE h.action = 'NO_DATA'),
           round(avg(h.ms) FILTER (WHERE h.action = 'DIFFERENTIAL'), 2),
           round(avg(h.ms) FILTER (WHERE h.action IN ('FULL', 'REINITIALIZE')), 2),
           round(avg(h.change_ratio), 6),
           round(avg(h.ms) FILTER (WHERE h.action IN ('FULL', 'REINITIALIZE'))
                 / nullif(avg(h.ms) FILTER (WHERE h.action = 'DIFFERENTIAL'), 0), 2),
           st.last_refresh_at, st.pgt_id
      FROM pgtrickle.pgt_stream_tables st
      LEFT JOIN (SELECT r.*, pgtrickle._duration_ms(r) AS ms
                   FROM pgtrickle.pgt_refresh_history r WHERE r.status = 'COMPLETED') h ON h.pgt_id = st.pgt_id
     GROUP BY st.pgt_id
     ORDER BY st.pgt_schema, st.pgt_name
$$;

-- The refresh mode each stream table (or the one named) should use, how sure the advice is
-- (high, medium, low), why, and the signals it was drawn from.
DROP FUNCTION IF EXISTS pgtrickle.recommend_refresh_mode(text);
CREATE FUNCTION pgtrickle.recommend_refresh_mode(p_name text DEFAULT NULL)
RETURNS TABLE (
    pgt_schema       text,
    pgt_name         text,
    current_mode     text,
    recommended_mode text,
    confidence       text,
    reason           text,
    signals          jsonb)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_pgt_id bigint;
    e record;
    v_st pgtrickle.pgt_stream_tables;
    v_p50 numeric;
    v_p95 numeric;
BEGIN
    IF p_name IS NOT NULL THEN
        v_pgt_id := (pgtrickle._find(p_name)).pgt_id;
    END IF;
    FOR e IN SELECT * FROM pgtrickle.refresh_efficiency() LOOP
        SELECT * INTO v_st FROM pgtrickle.pgt_stream_tables s WHERE s.pgt_schema = e.pgt_schema AND s.pgt_name = e.pgt_name;
        CONTINUE WHEN v_pgt_id IS NOT NULL AND v_st.pgt_id <> v_pgt_id;
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d.ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY d.ms)
          INTO v_p50, v_p95
          FROM (SELECT pgtrickle._duration_ms(h) AS ms
                  FROM pgtrickle.pgt_refresh_history h
                 WHERE h.pgt_id = v_st.pgt_id AND h.action = 'DIFFERENTIAL' AND h.status = 'COMPLETED') d;
        pgt_schema := e.pgt_schema;
        pgt_name := e.pgt_name;
        current_mode := e.refresh_mode;
        signals := jsonb_build_object(
            'differential_possible', v_st.refresh_program->>'mode' = 'DIFFERENTIAL',
            'diff_count', e.diff_count, 'full_count', e.full_count, 'no_data_count', e.no_data_count,
            'avg_diff_ms', e.avg_diff_ms, 'avg_full_ms', e.avg_full_ms, 'diff_speedup', e.diff_speedup,
            'avg_change_ratio', e.avg_change_ratio, 'p50_diff_ms', round(v_p50, 2), 'p95_diff_ms', round(v_p95, 2),
            'max_change_ratio', pgtrickle._max_change_ratio());
        IF v_st.refresh_program->>'mode' IS DISTINCT FROM 'DIFFERENTIAL' THEN
            recommended_mode := 'FULL';
            confidence := 'high';
            reason := 'the query cannot be maintained differentially: '
                || coalesce(v_st.refresh_mode_reason, 'no differential program');
        ELSIF e.diff_count < 3 OR e.full_count < 1 THEN
            recommended_mode := 'AUTO';
            confidence := 'low';
            reason := format('not enough history to compare (%s DIFFERENTIAL and %s FULL refreshes; 3 and 1 needed): '
                             'AUTO refreshes differentially and learns when FULL is cheaper', e.diff_count, e.full_count);
        ELSIF e.diff_speedup >= 2 THEN
            recommended_mode := 'DIFFERENTIAL';
            confidence := CASE WHEN e.diff_count >= 10 AND v_p95 <= 4 * v_p50 THEN 'high' ELSE 'medium' END;
            reason := format('DIFFERENTIAL averages %s ms against %s ms for FULL (%s× faster) at a mean change ratio of %s',
                             e.avg_diff_ms, e.avg_full_ms, e.diff_speedup, coalesce(round(e.avg_change_ratio, 4)::text, 'unknown'));
        ELSIF e.diff_speedup < 0.8 THEN
            recommended_mode := 'FULL';
            confidence := CASE WHEN e.diff_count >= 10 THEN 'high' ELSE 'medium' END;
            reason := format('DIFFERENTIAL averages %s ms, slower than FULL''s %s ms (%s×): recomputing is cheaper here',
                             e.avg_diff_ms, e.avg_full_ms, e.diff_speedup);
        ELSE
            recommended_mode := 'AUTO';
            confidence := 'medium';
            reason := format('DIFFERENTIAL (%s ms) and FULL (%s ms) cost about the same (%s×): AUTO picks the cheaper one '
                             'per refresh from the change ratio', e.avg_diff_ms, e.avg_full_ms, e.diff_speedup);
        END IF;
        RETURN NEXT;
    END LOOP;
END $$;
