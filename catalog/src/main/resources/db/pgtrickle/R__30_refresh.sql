-- The refresh driver. Every refresh, whoever starts it, runs here in one transaction:
-- take the stream table's advisory lock (fencing), decide NO_DATA or recompute, apply the
-- difference, append it to the stream table's own change buffer when something consumes it,
-- advance the frontier, write history, trim consumed changes. All data is read by a single
-- statement, so the result is exact at any isolation level.

CREATE OR REPLACE FUNCTION pgtrickle._lock_namespace()
RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT 1414679372  -- 'TRKL'
$$;

-- Quoted user columns of a stream table's storage, in order (without __pgt_row_id).
CREATE OR REPLACE FUNCTION pgtrickle._storage_columns(p_relid oid, p_prefix text DEFAULT '')
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(p_prefix || quote_ident(attname), ', ' ORDER BY attnum)
      FROM pg_attribute
     WHERE attrelid = p_relid AND attnum > 0 AND NOT attisdropped AND attname <> '__pgt_row_id'
$$;

-- Rejects direct writes to a stream table's storage; refreshes set pgtrickle.maintenance.
CREATE OR REPLACE FUNCTION pgtrickle._protect_storage()
RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('pgtrickle.maintenance', true), '') <> 'on' THEN
        RAISE EXCEPTION 'cannot % stream table %.%: its rows are maintained by Trickle; change its sources, or its definition with pgtrickle.alter_stream_table',
            lower(TG_OP), quote_ident(TG_TABLE_SCHEMA), quote_ident(TG_TABLE_NAME)
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN NULL;
END $$;

-- The single statement of a full refresh: recompute the defining query, give every row a
-- content-derived identity (a hash of the row plus its ordinal among identical rows), delete
-- the rows that disappeared, insert the new ones, and emit exactly that difference.
CREATE OR REPLACE FUNCTION pgtrickle._full_refresh_sql(p_st pgtrickle.pgt_stream_tables, p_own_cid integer)
RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_storage text := p_st.pgt_relid::regclass::text;
    v_columns text := pgtrickle._storage_columns(p_st.pgt_relid);
    v_buffer regclass := pgtrickle._buffer(p_st.pgt_relid);
    v_output text := '';
BEGIN
    IF v_buffer IS NOT NULL THEN
        v_output := format($out$, __pgt_out AS (
    INSERT INTO %1$s (__pgt_xid, __pgt_op, __pgt_row_id, %2$s)
    SELECT pgtrickle._xid(pg_current_xact_id()), 'D', __pgt_row_id, %2$s FROM __pgt_del
    UNION ALL
    SELECT pgtrickle._xid(pg_current_xact_id()), 'I', __pgt_row_id, %2$s FROM __pgt_ins
)$out$, v_buffer, v_columns);
    END IF;
    RETURN format($sql$WITH __pgt_new AS MATERIALIZED (
    SELECT hashtextextended(__pgt_text, row_number() OVER (PARTITION BY hashtextextended(__pgt_text, 0))) AS __pgt_row_id,
           %2$s
      FROM (SELECT __pgt_q.*, __pgt_q::text AS __pgt_text FROM (%3$s
) __pgt_q) __pgt_s
), __pgt_ins AS (
    INSERT INTO %1$s (__pgt_row_id, %2$s)
    SELECT n.__pgt_row_id, %4$s FROM __pgt_new n
     WHERE NOT EXISTS (SELECT 1 FROM %1$s o WHERE o.__pgt_row_id = n.__pgt_row_id)
    RETURNING *
), __pgt_del AS (
    DELETE FROM %1$s o
     WHERE NOT EXISTS (SELECT 1 FROM __pgt_new n WHERE n.__pgt_row_id = o.__pgt_row_id)
    RETURNING o.*
)%5$s, __pgt_meta AS (
    UPDATE pgtrickle.pgt_stream_tables
       SET frontier = pg_current_snapshot(), frontier_xid = pgtrickle._xid(pg_current_xact_id()),
           frontier_cid = %7$s, is_populated = true, needs_reinit = false,
           data_timestamp = statement_timestamp(), last_refresh_at = clock_timestamp(),
           consecutive_errors = 0, last_error_message = NULL, updated_at = now()
     WHERE pgt_id = %6$s AND frontier::text IS NOT DISTINCT FROM %8$L
       AND frontier_xid IS NOT DISTINCT FROM %9$L::bigint AND frontier_cid IS NOT DISTINCT FROM %10$L::integer
    RETURNING 1
)
SELECT (SELECT count(*) FROM __pgt_ins) AS rows_inserted,
       (SELECT count(*) FROM __pgt_del) AS rows_deleted,
       (SELECT count(*) FROM __pgt_meta) AS catalog_rows,
       pg_current_snapshot() AS frontier_to$sql$,
        v_storage, v_columns, p_st.defining_query, pgtrickle._storage_columns(p_st.pgt_relid, 'n.'),
        v_output, p_st.pgt_id, p_own_cid, p_st.frontier::text, p_st.frontier_xid, p_st.frontier_cid);
END $$;

-- True when any source changed between the stream table's frontier and p_to.
CREATE OR REPLACE FUNCTION pgtrickle._has_changes(
    p_st pgtrickle.pgt_stream_tables, p_to pg_snapshot, p_to_xid bigint, p_to_cid integer)
RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_source record;
    v_buffer regclass;
    v_found boolean;
BEGIN
    FOR v_source IN
        SELECT source_relid, source_type FROM pgtrickle.pgt_dependencies
         WHERE pgt_id = p_st.pgt_id AND source_type <> 'VIEW'
    LOOP
        v_buffer := pgtrickle._buffer(v_source.source_relid);
        -- Materialized views and foreign tables cannot be captured: always recompute.
        IF v_buffer IS NULL THEN
            RETURN true;
        END IF;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s b WHERE %s)', v_buffer,
                       pgtrickle._changes_predicate('b', p_st.frontier, p_st.frontier_xid, p_st.frontier_cid,
                                                    p_to, p_to_xid, p_to_cid))
           INTO v_found;
        IF v_found THEN
            RETURN true;
        END IF;
    END LOOP;
    RETURN false;
END $$;

-- Runs one refresh and returns its pgt_refresh_history id, or NULL when p_wait is false and
-- another session holds the stream table's refresh lock.
CREATE OR REPLACE FUNCTION pgtrickle._refresh(p_pgt_id bigint, p_initiated_by text, p_wait boolean DEFAULT true)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_st pgtrickle.pgt_stream_tables;
    v_start timestamptz := clock_timestamp();
    v_own_xid bigint;
    v_own_cid integer := 0;
    v_snapshot pg_snapshot;
    v_action text;
    v_result record;
    v_refresh_id bigint;
    v_source oid;
BEGIN
    IF p_wait THEN
        PERFORM pg_advisory_xact_lock(pgtrickle._lock_namespace(), (p_pgt_id % 2147483647)::integer);
    ELSIF NOT pg_try_advisory_xact_lock(pgtrickle._lock_namespace(), (p_pgt_id % 2147483647)::integer) THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v_st FROM pgtrickle.pgt_stream_tables WHERE pgt_id = p_pgt_id;
    IF v_st.pgt_id IS NULL THEN
        RAISE EXCEPTION 'stream table with id % does not exist (was it dropped?)', p_pgt_id USING ERRCODE = 'undefined_table';
    END IF;
    IF v_st.status = 'SUSPENDED' THEN
        RAISE EXCEPTION 'stream table % is suspended; resume it with pgtrickle.resume_stream_table(%) first',
            pgtrickle._display_name(v_st), quote_literal(pgtrickle._display_name(v_st))
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_st.status = 'ERROR' THEN
        RAISE EXCEPTION 'stream table % is in ERROR: %', pgtrickle._display_name(v_st), v_st.last_error_message
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'change its definition or refresh mode with pgtrickle.alter_stream_table';
    END IF;

    -- Changes this transaction made before the refresh are identified by command id.
    v_own_xid := pgtrickle._xid(pg_current_xact_id_if_assigned());
    IF v_own_xid IS NOT NULL THEN
        UPDATE pgtrickle.pgt_stream_tables SET updated_at = updated_at WHERE pgt_id = p_pgt_id
        RETURNING cmin::text::integer INTO v_own_cid;
    END IF;

    IF v_st.is_populated AND NOT v_st.needs_reinit THEN
        v_snapshot := pg_current_snapshot();
        IF NOT pgtrickle._has_changes(v_st, v_snapshot, v_own_xid, v_own_cid) THEN
            v_action := 'NO_DATA';
            UPDATE pgtrickle.pgt_stream_tables
               SET frontier = v_snapshot, frontier_xid = coalesce(v_own_xid, pgtrickle._xid(pg_current_xact_id())),
                   frontier_cid = v_own_cid, data_timestamp = statement_timestamp(), last_refresh_at = clock_timestamp(),
                   consecutive_errors = 0, last_error_message = NULL, updated_at = now()
             WHERE pgt_id = p_pgt_id;
            SELECT 0::bigint AS rows_inserted, 0::bigint AS rows_deleted, v_snapshot AS frontier_to INTO v_result;
        END IF;
    END IF;

    IF v_action IS NULL THEN
        v_action := CASE WHEN v_st.needs_reinit THEN 'REINITIALIZE' ELSE 'FULL' END;
        PERFORM set_config('pgtrickle.maintenance', 'on', true);
        EXECUTE pgtrickle._full_refresh_sql(v_st, v_own_cid) INTO v_result;
        PERFORM set_config('pgtrickle.maintenance', '', true);
        IF v_result.catalog_rows <> 1 THEN
            RAISE EXCEPTION 'stream table % was refreshed concurrently; this refresh was rolled back', pgtrickle._display_name(v_st)
                USING ERRCODE = 'serialization_failure';
        END IF;
    END IF;

    INSERT INTO pgtrickle.pgt_refresh_history
        (pgt_id, data_timestamp, start_time, end_time, action, rows_inserted, rows_deleted, delta_row_count,
         status, initiated_by, frontier_from, frontier_to)
    VALUES (p_pgt_id, statement_timestamp(), v_start, clock_timestamp(), v_action, v_result.rows_inserted,
            v_result.rows_deleted, v_result.rows_inserted + v_result.rows_deleted,
            'COMPLETED', p_initiated_by, v_st.frontier, v_result.frontier_to)
    RETURNING refresh_id INTO v_refresh_id;

    FOR v_source IN SELECT source_relid FROM pgtrickle.pgt_dependencies WHERE pgt_id = p_pgt_id LOOP
        PERFORM pgtrickle._trim_changes(v_source);
    END LOOP;
    RETURN v_refresh_id;
END $$;

-- Records a refresh that failed (called in a fresh transaction after the failed one rolled back).
CREATE OR REPLACE FUNCTION pgtrickle._record_failure(
    p_pgt_id bigint, p_action text, p_initiated_by text, p_start timestamptz, p_message text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_refresh_id bigint;
BEGIN
    UPDATE pgtrickle.pgt_stream_tables
       SET consecutive_errors = consecutive_errors + 1, last_error_message = p_message, updated_at = now()
     WHERE pgt_id = p_pgt_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO pgtrickle.pgt_refresh_history (pgt_id, start_time, end_time, action, status, error_message, initiated_by)
    VALUES (p_pgt_id, p_start, clock_timestamp(), p_action, 'FAILED', p_message, p_initiated_by)
    RETURNING refresh_id INTO v_refresh_id;
    RETURN v_refresh_id;
END $$;

-- Synchronously refreshes a stream table in the caller's session (waits for a concurrent
-- refresh of the same table to finish first).
CREATE OR REPLACE FUNCTION pgtrickle.refresh_stream_table(name text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pgtrickle._refresh((pgtrickle._find(refresh_stream_table.name)).pgt_id, 'MANUAL', true);
END $$;
