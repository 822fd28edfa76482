-- Sinks: delivering each refresh's delta beyond PostgreSQL. A sink makes the stream table keep
-- its own change buffer (each row tagged with its refresh id); a Trickle node delivers the
-- buffered deltas in refresh order and advances the sink frontier (delivered_refresh_id) in the
-- same transaction that registers them, so every refresh is delivered exactly once.

-- The validated sink settings of create_stream_table / alter_stream_table: NULL when no sink
-- is asked for, otherwise the sink path (ending in '/'), mode and catalog schema.
CREATE OR REPLACE FUNCTION pgtrickle._sink_settings(
    p_sink text, p_path text, p_mode text, p_catalog text,
    OUT sink_type text, OUT sink_path text, OUT sink_mode text, OUT catalog_schema text)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    sink_type := lower(btrim(p_sink));
    IF sink_type IS NULL OR sink_type = 'none' THEN
        IF coalesce(p_path, p_mode, p_catalog) IS NOT NULL THEN
            RAISE EXCEPTION 'ducklake_sink_path, ducklake_sink_mode and ducklake_catalog_schema need sink => %', quote_literal('ducklake')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        sink_type := NULL;
        RETURN;
    END IF;
    IF sink_type <> 'ducklake' THEN
        RAISE EXCEPTION 'invalid sink %; expected ducklake or none', quote_literal(p_sink) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    sink_path := btrim(p_path);
    IF sink_path IS NULL OR sink_path = '' THEN
        RAISE EXCEPTION 'sink => ''ducklake'' needs ducklake_sink_path (s3://bucket/prefix/ or file:///directory/)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF right(sink_path, 1) <> '/' THEN
        sink_path := sink_path || '/';
    END IF;
    IF sink_path !~ '^(s3://[a-z0-9][a-z0-9.-]*[a-z0-9]/|file:///)' OR sink_path ~ '/\.\.?/'
       OR regexp_replace(sink_path, '^[a-z0-9]+://', '') LIKE '%//%'
       OR regexp_replace(sink_path, '^[a-z0-9]+://', '') !~ '^[A-Za-z0-9._=+~/-]*$' THEN
        RAISE EXCEPTION 'invalid ducklake_sink_path %: expected s3://bucket/prefix/ (a lowercase bucket name) or file:///absolute/directory/, in letters, digits and . _ - = + ~ /',
            quote_literal(p_path) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    sink_mode := lower(btrim(coalesce(p_mode, 'append')));
    IF sink_mode NOT IN ('append', 'mirror') THEN
        RAISE EXCEPTION 'invalid ducklake_sink_mode %; expected append or mirror', quote_literal(p_mode)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    catalog_schema := coalesce(p_catalog, 'ducklake');
    IF catalog_schema !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'invalid ducklake_catalog_schema %: expected a plain lowercase schema name (letters, digits, _)',
            quote_literal(p_catalog) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF catalog_schema IN ('pgtrickle', 'pgtrickle_changes', 'pg_catalog', 'information_schema')
       OR catalog_schema LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'invalid ducklake_catalog_schema %: choose a schema of your own for the DuckLake catalog', quote_literal(p_catalog)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END $$;

-- Creates (or, with p_keep false, drops) the index deliveries read a sink's buffer through: a
-- delivery reads one refresh's rows in (op, row id) order and trims by refresh id, so neither
-- scans a backlog of undelivered refreshes (after an object store outage, say).
CREATE OR REPLACE FUNCTION pgtrickle._sink_index(p_relid oid, p_keep boolean)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_buffer regclass := pgtrickle._buffer(p_relid);
    v_index text := 'changes_' || p_relid || '_deliveries';
BEGIN
    IF v_buffer IS NULL THEN
        RETURN;
    END IF;
    IF p_keep AND to_regclass(format('pgtrickle_changes.%I', v_index)) IS NULL THEN
        EXECUTE format('CREATE INDEX %I ON %s (__pgt_refresh_id, __pgt_op, __pgt_row_id)', v_index, v_buffer);
    ELSIF NOT p_keep THEN
        EXECUTE format('DROP INDEX IF EXISTS pgtrickle_changes.%I', v_index);
    END IF;
END $$;

-- Gives a stream table a sink. A populated stream table's current rows become the sink's
-- first delivery: they are copied to its buffer as one refresh, recorded in the history.
CREATE OR REPLACE FUNCTION pgtrickle._attach_sink(
    p_st pgtrickle.pgt_stream_tables, p_type text, p_path text, p_mode text, p_catalog text)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_refresh_id bigint := 0;
    v_rows bigint;
    v_start timestamptz := clock_timestamp();
BEGIN
    PERFORM pgtrickle._ensure_stream_table_buffer(p_st.pgt_relid);
    PERFORM pgtrickle._sink_index(p_st.pgt_relid, true);
    IF p_st.is_populated THEN
        v_refresh_id := pgtrickle._next_refresh_id();
        EXECUTE format('INSERT INTO %s (__pgt_xid, __pgt_seq, __pgt_refresh_id, __pgt_op, __pgt_row_id, %s) SELECT %s, %s, %s, %L, __pgt_row_id, %s FROM %s',
                       pgtrickle._buffer(p_st.pgt_relid), pgtrickle._columns(p_st.pgt_relid, 'user'),
                       pgtrickle._xid(pg_current_xact_id()), nextval('pgtrickle.change_seq'), v_refresh_id, 'I',
                       pgtrickle._columns(p_st.pgt_relid, 'user'),
                       pgtrickle._qualified(p_st.pgt_relid));
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_rows > 0 THEN
            INSERT INTO pgtrickle.pgt_refresh_history
                (refresh_id, pgt_id, data_timestamp, start_time, end_time, action, delta_row_count, status,
                 initiated_by, frontier_from, frontier_to, reason)
            VALUES (v_refresh_id, p_st.pgt_id, p_st.data_timestamp, v_start, clock_timestamp(), 'FULL', v_rows, 'COMPLETED',
                    'MANUAL', p_st.frontier, p_st.frontier,
                    'a sink was added: its first delivery is the stream table''s current contents');
            v_refresh_id := v_refresh_id - 1;
        END IF;
    END IF;
    INSERT INTO pgtrickle.pgt_sinks (pgt_id, sink_type, sink_path, sink_mode, catalog_schema, delivered_refresh_id)
    VALUES (p_st.pgt_id, p_type, p_path, p_mode, p_catalog, v_refresh_id);
END $$;

-- Removes a stream table's sink (what it delivered stays where it is) and, unless other
-- stream tables read it, the stream table's buffer.
CREATE OR REPLACE FUNCTION pgtrickle._detach_sink(p_st pgtrickle.pgt_stream_tables)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM pgtrickle.pgt_sinks WHERE pgt_id = p_st.pgt_id;
    PERFORM pgtrickle._sink_index(p_st.pgt_relid, false);
    PERFORM pgtrickle._release_capture(p_st.pgt_relid);
END $$;

-- Records a failed delivery attempt (the sink retries; its deltas stay in the buffer).
CREATE OR REPLACE FUNCTION pgtrickle._sink_failed(p_pgt_id bigint, p_message text)
RETURNS void
LANGUAGE sql AS $$
    WITH failed AS (
        UPDATE pgtrickle.pgt_sinks
           SET consecutive_errors = consecutive_errors + 1, last_error = p_message, last_error_at = clock_timestamp()
         WHERE pgt_id = p_pgt_id
        RETURNING pgt_id, sink_type, sink_path, consecutive_errors)
    SELECT pgtrickle._alert('sink_failed',
                            jsonb_build_object('stream_table', pgtrickle._display_name(st), 'sink', f.sink_type,
                                               'sink_path', f.sink_path, 'error', left(p_message, 2000),
                                               'consecutive_errors', f.consecutive_errors))
      FROM failed f JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = f.pgt_id
$$;

-- The refreshes a stream table's sink has still to deliver: those after its frontier that left
-- a delta (the deliveries, the sink dispatcher and sink_status() all go by this).
CREATE OR REPLACE FUNCTION pgtrickle._undelivered_refreshes(p_pgt_id bigint)
RETURNS SETOF pgtrickle.pgt_refresh_history
LANGUAGE sql STABLE AS $$
    SELECT h.*
      FROM pgtrickle.pgt_refresh_history h
      JOIN pgtrickle.pgt_sinks k ON k.pgt_id = h.pgt_id
     WHERE h.pgt_id = p_pgt_id AND h.refresh_id > k.delivered_refresh_id
       AND h.status = 'COMPLETED' AND h.delta_row_count > 0
$$;

-- One row per sink: where it delivers, its frontier, and how far it lags behind the stream
-- table's refreshes (refreshes that changed rows, and those rows, not delivered yet).
CREATE OR REPLACE FUNCTION pgtrickle.sink_status()
RETURNS TABLE (
    name                 text,
    sink                 text,
    sink_mode            text,
    sink_path            text,
    catalog_schema       text,
    ducklake_table_id    bigint,
    delivered_refresh_id bigint,
    delivered_at         timestamptz,
    pending_refreshes    bigint,
    pending_rows         bigint,
    consecutive_errors   integer,
    last_error           text,
    last_error_at        timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT pgtrickle._display_name(st), k.sink_type, k.sink_mode, k.sink_path, k.catalog_schema, k.ducklake_table_id,
           k.delivered_refresh_id, k.delivered_at, coalesce(lag.refreshes, 0), coalesce(lag.delta_rows, 0),
           k.consecutive_errors, k.last_error, k.last_error_at
      FROM pgtrickle.pgt_sinks k
      JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = k.pgt_id
      LEFT JOIN LATERAL (
          SELECT count(*) AS refreshes, sum(h.delta_row_count)::bigint AS delta_rows
            FROM pgtrickle._undelivered_refreshes(k.pgt_id) h) lag ON true
     ORDER BY st.pgt_schema, st.pgt_name
$$;

-- Sinks added before their buffers had the deliveries index get it.
SELECT pgtrickle._sink_index(st.pgt_relid, true)
  FROM pgtrickle.pgt_sinks k JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = k.pgt_id;
