-- Defining stream tables: validating queries, finding their sources, creating, altering and
-- dropping stream tables with their storage and change capture. Every function here either
-- completes or raises; nothing is left half-applied.

-- A defining query without the trailing semicolons and blanks people often type.
CREATE OR REPLACE FUNCTION pgtrickle._strip_query(p_query text)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT regexp_replace(p_query, '[\s;]+$', '')
$$;

-- Validates a defining query and returns a temporary view of it. The query is wrapped as a
-- subquery and opened as a cursor first: that accepts exactly one SELECT (no second
-- statement, no data-modifying WITH), before anything is created or executed.
CREATE OR REPLACE FUNCTION pgtrickle._probe_query(p_query text)
RETURNS regclass
LANGUAGE plpgsql AS $$
DECLARE
    v_wrapped text := format(E'SELECT * FROM (%s\n) __pgt_q', pgtrickle._strip_query(p_query));
    v_first_word text := lower((regexp_match(coalesce(p_query, ''), '^[\s(]*([A-Za-z]+)'))[1]);
    v_cursor refcursor;
    v_probe text := '__pgt_probe_' || pg_backend_pid();
BEGIN
    IF p_query IS NULL OR btrim(p_query) = '' THEN
        RAISE EXCEPTION 'defining query must not be empty' USING ERRCODE = 'syntax_error';
    END IF;
    IF v_first_word IN ('insert', 'update', 'delete', 'merge', 'create', 'drop', 'alter', 'truncate', 'copy',
                        'grant', 'revoke', 'call', 'do', 'vacuum', 'analyze', 'analyse', 'set', 'reset', 'begin',
                        'start', 'commit', 'rollback', 'lock', 'explain', 'refresh', 'comment', 'prepare', 'execute',
                        'listen', 'notify', 'reindex', 'cluster', 'import', 'load', 'discard', 'security') THEN
        RAISE EXCEPTION 'defining query must be a SELECT statement, got %', upper(v_first_word)
            USING ERRCODE = 'wrong_object_type';
    END IF;
    BEGIN
        OPEN v_cursor NO SCROLL FOR EXECUTE v_wrapped;
        CLOSE v_cursor;
    EXCEPTION
        WHEN invalid_cursor_definition THEN
            RAISE EXCEPTION 'defining query must be a single SELECT statement' USING ERRCODE = 'syntax_error';
        WHEN OTHERS THEN
            RAISE EXCEPTION 'invalid defining query: %', SQLERRM USING ERRCODE = SQLSTATE;
    END;
    IF to_regclass(format('pg_temp.%I', v_probe)) IS NOT NULL THEN
        EXECUTE format('DROP VIEW pg_temp.%I', v_probe);
    END IF;
    -- The cursor accepted the wrapped text as one SELECT, so the bare query is one SELECT too.
    BEGIN
        EXECUTE format(E'CREATE TEMP VIEW %I AS %s\n', v_probe, pgtrickle._strip_query(p_query));
    EXCEPTION
        WHEN duplicate_column THEN
            RAISE EXCEPTION 'invalid defining query: %', SQLERRM USING ERRCODE = SQLSTATE,
                HINT = 'every output column needs a distinct name (use AS)';
        WHEN OTHERS THEN
            RAISE EXCEPTION 'invalid defining query: %', SQLERRM USING ERRCODE = SQLSTATE;
    END;
    RETURN format('pg_temp.%I', v_probe)::regclass;
END $$;

-- Drops a probe view (none: nothing to do).
CREATE OR REPLACE FUNCTION pgtrickle._drop_probe(p_probe regclass)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_probe IS NOT NULL THEN
        EXECUTE format('DROP VIEW %s', p_probe);
    END IF;
END $$;

-- The planner's row estimate for a defining query, validated as create_stream_table validates
-- it (one SELECT, nothing else runs); for progress reports before a long population.
CREATE OR REPLACE FUNCTION pgtrickle._estimate_rows(p_query text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_probe regclass := pgtrickle._probe_query(p_query);
    v_plan json;
BEGIN
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT * FROM %s', v_probe) INTO v_plan;
    PERFORM pgtrickle._drop_probe(v_probe);
    RETURN round((v_plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric);
END $$;

-- A probe view's query as PostgreSQL deparses it under an empty search_path and ISO styles:
-- every non-catalog name schema-qualified, so it means the same in every session.
CREATE OR REPLACE FUNCTION pgtrickle._deparse(p_view regclass)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_search_path text := current_setting('search_path');
    v_date_style text := current_setting('DateStyle');
    v_interval_style text := current_setting('IntervalStyle');
    v_sql text;
BEGIN
    PERFORM set_config('search_path', 'pg_catalog, pg_temp', true);
    PERFORM set_config('DateStyle', 'ISO', true);
    PERFORM set_config('IntervalStyle', 'postgres', true);
    v_sql := pgtrickle._strip_query(btrim(pg_get_viewdef(p_view, false)));
    PERFORM set_config('search_path', v_search_path, true);
    PERFORM set_config('DateStyle', v_date_style, true);
    PERFORM set_config('IntervalStyle', v_interval_style, true);
    RETURN v_sql;
END $$;

-- Relations and column numbers a (probe) view reads, looking through views recursively.
CREATE OR REPLACE FUNCTION pgtrickle._query_references(p_view regclass)
RETURNS TABLE (relid oid, attnum smallint)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE refs (relid, attnum) AS (
        SELECT d.refobjid, d.refobjsubid::smallint
          FROM pg_rewrite r
          JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
         WHERE r.ev_class = p_view AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
        UNION
        SELECT d.refobjid, d.refobjsubid::smallint
          FROM refs
          JOIN pg_class c ON c.oid = refs.relid AND c.relkind = 'v'
          JOIN pg_rewrite r ON r.ev_class = c.oid
          JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
         WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
    )
    SELECT refs.relid, refs.attnum FROM refs
      JOIN pg_class c ON c.oid = refs.relid
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
$$;

-- The sources of a (probe) view: tables, stream tables, views, materialized views, foreign
-- tables, each with the columns read (NULL when whole rows are read).
CREATE OR REPLACE FUNCTION pgtrickle._query_sources(p_view regclass)
RETURNS TABLE (source_relid oid, source_type text, columns_used text[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_bad record;
BEGIN
    -- Pinned system relations have no pg_depend rows: find them in the stored rule trees.
    SELECT c.oid::regclass AS rel, c.relpersistence INTO v_bad
      FROM (SELECT f.relid FROM pgtrickle._query_references(p_view) f
            UNION
            SELECT m[1]::oid
              FROM pg_rewrite r, regexp_matches(r.ev_action::text, ':relid ([0-9]+)', 'g') m
             WHERE r.ev_class = p_view
                OR r.ev_class IN (SELECT f.relid FROM pgtrickle._query_references(p_view) f)) f
      JOIN pg_class c ON c.oid = f.relid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid <> p_view AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
       AND (c.relpersistence = 't'
            OR n.nspname IN ('pg_catalog', 'information_schema', 'pgtrickle', 'pgtrickle_changes'))
     LIMIT 1;
    IF v_bad.rel IS NOT NULL THEN
        IF v_bad.relpersistence = 't' THEN
            RAISE EXCEPTION 'a stream table cannot read temporary relation %', v_bad.rel USING ERRCODE = 'feature_not_supported';
        END IF;
        RAISE EXCEPTION 'a stream table cannot read % (changes to system and Trickle catalogs cannot be tracked)', v_bad.rel
            USING ERRCODE = 'feature_not_supported';
    END IF;
    -- A stream table holds one result for all its readers: over a table with row-level
    -- security it would show every reader the rows the refreshing role may see.
    SELECT c.oid::regclass AS rel INTO v_bad
      FROM pgtrickle._query_references(p_view) f JOIN pg_class c ON c.oid = f.relid
     WHERE c.relrowsecurity
     LIMIT 1;
    IF v_bad.rel IS NOT NULL THEN
        RAISE EXCEPTION 'a stream table cannot read % because it has row-level security: the stream table would show all its readers the same rows, whatever their policies allow them',
            v_bad.rel USING ERRCODE = 'feature_not_supported',
            HINT = 'query the table directly, or disable row-level security on it if every reader may see every row';
    END IF;
    RETURN QUERY
    SELECT c.oid,
           CASE WHEN st.pgt_id IS NOT NULL THEN 'STREAM_TABLE'
                WHEN c.relkind IN ('r', 'p') THEN 'TABLE'
                WHEN c.relkind = 'v' THEN 'VIEW'
                WHEN c.relkind = 'm' THEN 'MATVIEW'
                ELSE 'FOREIGN_TABLE' END,
           CASE WHEN bool_or(f.attnum = 0) THEN NULL
                ELSE coalesce(array_agg(DISTINCT a.attname::text) FILTER (WHERE a.attname IS NOT NULL), ARRAY[]::text[]) END
      FROM pgtrickle._query_references(p_view) f
      JOIN pg_class c ON c.oid = f.relid
      LEFT JOIN pg_attribute a ON a.attrelid = f.relid AND a.attnum = f.attnum AND f.attnum > 0
      LEFT JOIN pgtrickle.pgt_stream_tables st ON st.pgt_relid = c.oid
     GROUP BY c.oid, st.pgt_id, c.relkind;
END $$;

-- Rejects a set of sources that would make the stream table depend on itself.
CREATE OR REPLACE FUNCTION pgtrickle._check_no_cycle(p_pgt_relid oid, p_name text, p_sources oid[])
RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_path text;
BEGIN
    WITH RECURSIVE upstream (relid, path) AS (
        SELECT s, ARRAY[s] FROM unnest(p_sources) s
        UNION ALL
        SELECT d.source_relid, u.path || d.source_relid
          FROM upstream u
          JOIN pgtrickle.pgt_stream_tables st ON st.pgt_relid = u.relid
          JOIN pgtrickle.pgt_dependencies d ON d.pgt_id = st.pgt_id
         WHERE NOT d.source_relid = ANY (u.path)
    )
    SELECT array_to_string(array(SELECT p::regclass::text FROM unnest(u.path) p), ' <- ') INTO v_path
      FROM upstream u WHERE u.relid = p_pgt_relid LIMIT 1;
    IF v_path IS NOT NULL THEN
        RAISE EXCEPTION 'stream table % would depend on itself: % <- %', p_name, p_name, v_path
            USING ERRCODE = 'invalid_object_definition';
    END IF;
END $$;

-- Records a stream table's sources and installs change capture on them (and the IMMEDIATE
-- trigger when the stream table is IMMEDIATE).
CREATE OR REPLACE FUNCTION pgtrickle._attach_sources(p_pgt_id bigint, p_probe regclass)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_source record;
BEGIN
    INSERT INTO pgtrickle.pgt_dependencies (pgt_id, source_relid, source_type, columns_used)
    SELECT p_pgt_id, s.source_relid, s.source_type, s.columns_used FROM pgtrickle._query_sources(p_probe) s;
    FOR v_source IN SELECT source_relid, source_type FROM pgtrickle.pgt_dependencies WHERE pgt_id = p_pgt_id LOOP
        IF v_source.source_type = 'TABLE' THEN
            PERFORM pgtrickle._ensure_capture(v_source.source_relid);
        ELSIF v_source.source_type = 'STREAM_TABLE' THEN
            PERFORM pgtrickle._ensure_stream_table_buffer(v_source.source_relid);
        END IF;
        PERFORM pgtrickle._sync_immediate(v_source.source_relid);
    END LOOP;
    PERFORM pgtrickle._record_signatures(p_pgt_id);
END $$;

-- Removes a stream table's dependency rows and releases capture nobody needs any more.
CREATE OR REPLACE FUNCTION pgtrickle._detach_sources(p_pgt_id bigint)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_sources oid[];
    v_source oid;
BEGIN
    WITH gone AS (DELETE FROM pgtrickle.pgt_dependencies WHERE pgt_id = p_pgt_id RETURNING source_relid)
    SELECT array_agg(source_relid) INTO v_sources FROM gone;
    FOREACH v_source IN ARRAY coalesce(v_sources, ARRAY[]::oid[]) LOOP
        PERFORM pgtrickle._sync_immediate(v_source);
        PERFORM pgtrickle._release_capture(v_source);
    END LOOP;
END $$;

-- Creates the storage table for a probe view: __pgt_row_id first, then the query's columns.
CREATE OR REPLACE FUNCTION pgtrickle._create_storage(p_schema text, p_name text, p_probe regclass)
RETURNS oid
LANGUAGE plpgsql AS $$
DECLARE
    v_reserved text;
    v_storage regclass;
BEGIN
    SELECT attname INTO v_reserved FROM pg_attribute
     WHERE attrelid = p_probe AND attnum > 0 AND attname LIKE '\_\_pgt\_%' LIMIT 1;
    IF v_reserved IS NOT NULL THEN
        RAISE EXCEPTION 'defining query returns column %, but names starting with __pgt_ are reserved', quote_ident(v_reserved)
            USING ERRCODE = 'reserved_name';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = p_probe AND attnum > 0) THEN
        RAISE EXCEPTION 'defining query must return at least one column' USING ERRCODE = 'invalid_object_definition';
    END IF;
    EXECUTE format('CREATE TABLE %I.%I AS SELECT NULL::bigint AS __pgt_row_id, * FROM %s WITH NO DATA',
                   p_schema, p_name, p_probe);
    v_storage := format('%I.%I', p_schema, p_name)::regclass;
    EXECUTE format('ALTER TABLE %s ALTER COLUMN __pgt_row_id SET NOT NULL', v_storage);
    EXECUTE format('CREATE UNIQUE INDEX ON %s (__pgt_row_id)', v_storage);
    EXECUTE format('CREATE TRIGGER pgtrickle_protect BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION pgtrickle._protect_storage()', v_storage);
    RETURN v_storage;
END $$;

CREATE OR REPLACE FUNCTION pgtrickle._notify(p_event text, p_pgt_id bigint)
RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('pgtrickle_catalog', json_build_object('event', p_event, 'pgt_id', p_pgt_id)::text)
$$;

-- Signatures of earlier versions (CREATE OR REPLACE cannot add parameters).
DROP FUNCTION IF EXISTS pgtrickle.create_stream_table(text, text, text, text, boolean, text);
DROP FUNCTION IF EXISTS pgtrickle.alter_stream_table(text, text, text, text, text, text);

-- Refuses a new stream table's name when a stream table or another relation has it, and an
-- unknown diamond_consistency (NULL: none).
CREATE OR REPLACE FUNCTION pgtrickle._check_new_name(p_schema text, p_name text, p_diamond text)
RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF lower(coalesce(p_diamond, 'none')) NOT IN ('none', 'atomic') THEN
        RAISE EXCEPTION 'invalid diamond_consistency %; expected none or atomic', quote_literal(p_diamond)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM pgtrickle.pgt_stream_tables WHERE pgt_schema = p_schema AND pgt_name = p_name) THEN
        RAISE EXCEPTION 'stream table %.% already exists', quote_ident(p_schema), quote_ident(p_name)
            USING ERRCODE = 'duplicate_table';
    END IF;
    IF to_regclass(format('%I.%I', p_schema, p_name)) IS NOT NULL THEN
        RAISE EXCEPTION 'cannot create stream table %.%: a relation with that name already exists',
            quote_ident(p_schema), quote_ident(p_name) USING ERRCODE = 'duplicate_table';
    END IF;
END $$;

-- What create_stream_table checks before it reads the defining query (so that errors come in
-- the order of its arguments), with the catalog owner's rights: the sink settings, the name,
-- the schedule, the refresh mode and diamond_consistency.
CREATE OR REPLACE FUNCTION pgtrickle._check_create(
    p_name text, p_schedule text, p_refresh_mode text, p_diamond text, p_sink text, p_sink_path text, p_sink_mode text,
    p_catalog_schema text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    v_safe boolean := pgtrickle._safe_search_path();
    v_sink record := pgtrickle._sink_settings(p_sink, p_sink_path, p_sink_mode, p_catalog_schema);
    v_target record := pgtrickle._new_name(p_name);
    v_schedule text := pgtrickle._normalize_schedule(p_schedule);
    v_mode text := pgtrickle._normalize_mode(p_refresh_mode);
BEGIN
    PERFORM pgtrickle._check_new_name(v_target.schema_name, v_target.table_name, p_diamond);
END $$;

-- What alter_stream_table checks before it reads a new defining query, with the catalog
-- owner's rights: that the stream table exists and the caller may change it, the schedule and
-- the refresh mode.
CREATE OR REPLACE FUNCTION pgtrickle._check_alter(p_name text, p_schedule text, p_refresh_mode text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    v_safe boolean := pgtrickle._safe_search_path();
    v_st pgtrickle.pgt_stream_tables := pgtrickle._find(p_name);
BEGIN
    PERFORM pgtrickle._check_may_change(v_st);
    IF p_schedule IS NOT NULL THEN
        PERFORM pgtrickle._normalize_schedule(p_schedule);
    END IF;
    IF p_refresh_mode IS NOT NULL THEN
        PERFORM pgtrickle._normalize_mode(p_refresh_mode);
    END IF;
END $$;

-- Creates a stream table: validates the definition, creates the storage table and change
-- capture at once (so later statements in the same script can read it), and populates it
-- with a full refresh when initialize is true. A Trickle node then compiles its refresh
-- program (INITIALIZING -> ACTIVE, or ERROR with the reason). With sink => 'ducklake', every
-- refresh's delta, starting with the population, is delivered to the DuckLake sink.
-- Any role may call it (with USAGE on schema pgtrickle) on relations it may read; the stream
-- table is then its own (it may read, alter, refresh and drop it).
CREATE OR REPLACE FUNCTION pgtrickle.create_stream_table(
    name                      text,
    query                     text,
    schedule                  text    DEFAULT 'calculated',
    refresh_mode              text    DEFAULT 'AUTO',
    initialize                boolean DEFAULT true,
    diamond_consistency       text    DEFAULT NULL,
    sink                      text    DEFAULT NULL,
    ducklake_sink_path        text    DEFAULT NULL,
    ducklake_sink_mode        text    DEFAULT NULL,
    ducklake_catalog_schema   text    DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_probe regclass;
BEGIN
    PERFORM pgtrickle._check_create(create_stream_table.name, create_stream_table.schedule,
        create_stream_table.refresh_mode, create_stream_table.diamond_consistency, create_stream_table.sink,
        create_stream_table.ducklake_sink_path, create_stream_table.ducklake_sink_mode,
        create_stream_table.ducklake_catalog_schema);
    v_probe := pgtrickle._caller_probe(create_stream_table.query);
    PERFORM pgtrickle._create_stream_table(v_probe, create_stream_table.name, create_stream_table.query,
        create_stream_table.schedule, create_stream_table.refresh_mode, create_stream_table.initialize,
        create_stream_table.diamond_consistency, create_stream_table.sink, create_stream_table.ducklake_sink_path,
        create_stream_table.ducklake_sink_mode, create_stream_table.ducklake_catalog_schema);
    PERFORM pgtrickle._drop_probe(v_probe);
END $$;

-- Creates a stream table with the catalog owner's rights, for the caller whose probe view of
-- the defining query p_probe is (see create_stream_table).
CREATE OR REPLACE FUNCTION pgtrickle._create_stream_table(p_probe regclass, name text, query text, schedule text,
    refresh_mode text, initialize boolean, diamond_consistency text, sink text, ducklake_sink_path text,
    ducklake_sink_mode text, ducklake_catalog_schema text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    v_safe boolean := pgtrickle._safe_search_path();
    v_sink record := pgtrickle._sink_settings(_create_stream_table.sink, _create_stream_table.ducklake_sink_path,
                                              _create_stream_table.ducklake_sink_mode, _create_stream_table.ducklake_catalog_schema);
    v_target record := pgtrickle._new_name(_create_stream_table.name);
    v_schedule text := pgtrickle._normalize_schedule(_create_stream_table.schedule);
    v_mode text := pgtrickle._normalize_mode(_create_stream_table.refresh_mode);
    v_diamond text := lower(coalesce(_create_stream_table.diamond_consistency, 'none'));
    v_probe regclass := p_probe;
    v_caller oid := pgtrickle._caller();
    v_relid oid;
    v_pgt_id bigint;
BEGIN
    PERFORM pgtrickle._check_new_name(v_target.schema_name, v_target.table_name, _create_stream_table.diamond_consistency);
    PERFORM pgtrickle._check_may_define(v_probe, v_target.schema_name);
    IF v_sink.sink_type IS NOT NULL THEN
        PERFORM pgtrickle._check_may_sink();
    END IF;
    v_relid := pgtrickle._create_storage(v_target.schema_name, v_target.table_name, v_probe);
    PERFORM pgtrickle._grant_to_owner(v_relid, v_caller);
    INSERT INTO pgtrickle.pgt_stream_tables
        (pgt_relid, pgt_name, pgt_schema, defining_query, original_query, schedule, refresh_mode, diamond_consistency,
         owner_role)
    VALUES (v_relid, v_target.table_name, v_target.schema_name, pgtrickle._deparse(v_probe),
            _create_stream_table.query, v_schedule, v_mode, v_diamond, v_caller)
    RETURNING pgt_id INTO v_pgt_id;
    PERFORM pgtrickle._attach_sources(v_pgt_id, v_probe);
    IF v_sink.sink_type IS NOT NULL THEN
        PERFORM pgtrickle._attach_sink((SELECT st FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_id = v_pgt_id),
                                       v_sink.sink_type, v_sink.sink_path, v_sink.sink_mode, v_sink.catalog_schema);
    END IF;

    -- Under REPEATABLE READ the caller's snapshot may predate the capture triggers just
    -- created; population is then left to the first refresh in a later transaction.
    IF _create_stream_table.initialize AND current_setting('transaction_isolation') = 'read committed' THEN
        PERFORM pgtrickle._refresh(v_pgt_id, 'INITIAL', true);
    END IF;
    PERFORM pgtrickle._notify('created', v_pgt_id);
END $$;

-- Stream tables that read the given stream table directly.
CREATE OR REPLACE FUNCTION pgtrickle._dependents(p_st pgtrickle.pgt_stream_tables)
RETURNS SETOF pgtrickle.pgt_stream_tables
LANGUAGE sql STABLE AS $$
    SELECT st.* FROM pgtrickle.pgt_stream_tables st
     WHERE EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies d
                    WHERE d.pgt_id = st.pgt_id AND d.source_relid = p_st.pgt_relid)
     ORDER BY st.pgt_id
$$;

-- Drops a stream table: storage, own change buffer, catalog rows, and change capture on
-- sources nothing else reads. With cascade, stream tables reading it are dropped first.
CREATE OR REPLACE FUNCTION pgtrickle.drop_stream_table(name text, "cascade" boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    v_safe boolean := pgtrickle._safe_search_path();
    v_st pgtrickle.pgt_stream_tables := pgtrickle._find(drop_stream_table.name);
    v_dependents text;
    v_dependent pgtrickle.pgt_stream_tables;
BEGIN
    PERFORM pgtrickle._check_may_change(v_st);
    PERFORM pg_advisory_xact_lock(pgtrickle._lock_namespace(), (v_st.pgt_id % 2147483647)::integer);
    SELECT string_agg(pgtrickle._display_name(d), ', ') INTO v_dependents FROM pgtrickle._dependents(v_st) d;
    IF v_dependents IS NOT NULL AND NOT drop_stream_table."cascade" THEN
        RAISE EXCEPTION 'cannot drop stream table %: stream tables % depend on it', pgtrickle._display_name(v_st), v_dependents
            USING ERRCODE = 'dependent_objects_still_exist',
                  HINT = 'drop them first, or use pgtrickle.drop_stream_table(name, cascade => true)';
    END IF;
    FOR v_dependent IN SELECT * FROM pgtrickle._dependents(v_st) LOOP
        PERFORM pgtrickle.drop_stream_table(pgtrickle._display_name(v_dependent), true);
    END LOOP;
    PERFORM pgtrickle._detach_sources(v_st.pgt_id);
    -- Its sink goes too (cascade); what the sink delivered stays in the DuckLake catalog.
    DELETE FROM pgtrickle.pgt_stream_tables WHERE pgt_id = v_st.pgt_id;
    PERFORM pgtrickle._release_capture(v_st.pgt_relid);
    IF EXISTS (SELECT 1 FROM pg_class WHERE oid = v_st.pgt_relid) THEN
        EXECUTE format('DROP TABLE %s', v_st.pgt_relid::regclass);
    END IF;
    PERFORM pgtrickle._notify('dropped', v_st.pgt_id);
END $$;

-- Replaces a stream table's defining query. Storage is kept when the columns are unchanged
-- and rebuilt otherwise (refused while other stream tables read it); the table is then
-- repopulated and waits for a node to compile its new refresh program. The caller drops the
-- probe view.
CREATE OR REPLACE FUNCTION pgtrickle._alter_query(p_st pgtrickle.pgt_stream_tables, p_query text, p_probe regclass)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_probe regclass := p_probe;
    v_same_columns boolean;
    v_relid oid := p_st.pgt_relid;
    v_dependents text;
BEGIN
    SELECT coalesce(array_agg(format('%I %s', attname, format_type(atttypid, atttypmod)) ORDER BY attnum), '{}')
             = (SELECT coalesce(array_agg(format('%I %s', attname, format_type(atttypid, atttypmod)) ORDER BY attnum), '{}')
                  FROM pg_attribute WHERE attrelid = p_st.pgt_relid AND attnum > 0 AND NOT attisdropped
                   AND attname <> '__pgt_row_id')
      INTO v_same_columns
      FROM pg_attribute WHERE attrelid = v_probe AND attnum > 0;
    PERFORM pgtrickle._check_no_cycle(p_st.pgt_relid, pgtrickle._display_name(p_st),
                                      array(SELECT source_relid FROM pgtrickle._query_sources(v_probe)));
    PERFORM pgtrickle._detach_sources(p_st.pgt_id);
    IF NOT v_same_columns AND EXISTS (SELECT 1 FROM pgtrickle.pgt_sinks WHERE pgt_id = p_st.pgt_id) THEN
        RAISE EXCEPTION 'cannot change the columns of stream table %: it has a sink, whose table keeps its columns',
            pgtrickle._display_name(p_st) USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'remove the sink first with sink => ''none'', then add it again';
    END IF;
    IF NOT v_same_columns THEN
        SELECT string_agg(pgtrickle._display_name(d), ', ') INTO v_dependents FROM pgtrickle._dependents(p_st) d;
        IF v_dependents IS NOT NULL THEN
            RAISE EXCEPTION 'cannot change the columns of stream table %: stream tables % read it', pgtrickle._display_name(p_st), v_dependents
                USING ERRCODE = 'dependent_objects_still_exist';
        END IF;
        PERFORM pgtrickle._release_capture(p_st.pgt_relid);
        EXECUTE format('DROP TABLE %s', p_st.pgt_relid::regclass);
        v_relid := pgtrickle._create_storage(p_st.pgt_schema, p_st.pgt_name, v_probe);
    END IF;
    UPDATE pgtrickle.pgt_stream_tables
       SET pgt_relid = v_relid, defining_query = pgtrickle._deparse(v_probe), original_query = p_query,
           needs_reinit = true,
           is_populated = is_populated AND v_same_columns,
           frontier = CASE WHEN v_same_columns THEN frontier END,
           frontier_xid = CASE WHEN v_same_columns THEN frontier_xid END,
           frontier_cid = CASE WHEN v_same_columns THEN frontier_cid END
     WHERE pgt_id = p_st.pgt_id;
    IF v_relid <> p_st.pgt_relid THEN
        PERFORM pgtrickle._grant_to_owner(v_relid, p_st.owner_role);
    END IF;
    PERFORM pgtrickle._attach_sources(p_st.pgt_id, v_probe);
END $$;

-- Changes a stream table's definition, schedule, refresh mode, status or sink (NULL =
-- unchanged; sink => 'none' removes the sink). Any role may on the stream tables it created
-- (the catalog owner on all); a new query must read only what the caller may read.
CREATE OR REPLACE FUNCTION pgtrickle.alter_stream_table(
    name                    text,
    query                   text DEFAULT NULL,
    schedule                text DEFAULT NULL,
    refresh_mode            text DEFAULT NULL,
    status                  text DEFAULT NULL,
    diamond_consistency     text DEFAULT NULL,
    sink                    text DEFAULT NULL,
    ducklake_sink_path      text DEFAULT NULL,
    ducklake_sink_mode      text DEFAULT NULL,
    ducklake_catalog_schema text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_probe regclass;
BEGIN
    PERFORM pgtrickle._check_alter(alter_stream_table.name, alter_stream_table.schedule, alter_stream_table.refresh_mode);
    IF alter_stream_table.query IS NOT NULL THEN
        v_probe := pgtrickle._caller_probe(alter_stream_table.query);
    END IF;
    PERFORM pgtrickle._alter_stream_table(v_probe, alter_stream_table.name, alter_stream_table.query,
        alter_stream_table.schedule, alter_stream_table.refresh_mode, alter_stream_table.status,
        alter_stream_table.diamond_consistency, alter_stream_table.sink, alter_stream_table.ducklake_sink_path,
        alter_stream_table.ducklake_sink_mode, alter_stream_table.ducklake_catalog_schema);
    PERFORM pgtrickle._drop_probe(v_probe);
END $$;

-- alter_stream_table with the catalog owner's rights; p_probe is the caller's probe view of
-- the new query, if any.
CREATE OR REPLACE FUNCTION pgtrickle._alter_stream_table(p_probe regclass, name text, query text, schedule text,
    refresh_mode text, status text, diamond_consistency text, sink text, ducklake_sink_path text,
    ducklake_sink_mode text, ducklake_catalog_schema text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    v_safe boolean := pgtrickle._safe_search_path();
    v_sink record;
    v_current_sink pgtrickle.pgt_sinks;
    v_st pgtrickle.pgt_stream_tables := pgtrickle._find(_alter_stream_table.name);
    v_schedule text := CASE WHEN _alter_stream_table.schedule IS NOT NULL
                            THEN pgtrickle._normalize_schedule(_alter_stream_table.schedule) END;
    v_mode text := CASE WHEN _alter_stream_table.refresh_mode IS NOT NULL
                        THEN pgtrickle._normalize_mode(_alter_stream_table.refresh_mode) END;
    v_status text := upper(btrim(_alter_stream_table.status));
    v_diamond text := lower(btrim(_alter_stream_table.diamond_consistency));
    v_probe regclass := p_probe;
    v_query_changed boolean := v_probe IS NOT NULL AND pgtrickle._deparse(v_probe) IS DISTINCT FROM v_st.defining_query;
    v_recompile boolean;
BEGIN
    PERFORM pgtrickle._check_may_change(v_st);
    IF v_probe IS NOT NULL THEN
        PERFORM pgtrickle._check_may_define(v_probe, v_st.pgt_schema);
    END IF;
    IF _alter_stream_table.sink IS NOT NULL THEN
        PERFORM pgtrickle._check_may_sink();
    END IF;
    IF v_status IS NOT NULL AND v_status NOT IN ('ACTIVE', 'SUSPENDED') THEN
        RAISE EXCEPTION 'invalid status %; a stream table can be set to ACTIVE or SUSPENDED', quote_literal(_alter_stream_table.status)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_diamond IS NOT NULL AND v_diamond NOT IN ('none', 'atomic') THEN
        RAISE EXCEPTION 'invalid diamond_consistency %; expected none or atomic', quote_literal(_alter_stream_table.diamond_consistency)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_sink := pgtrickle._sink_settings(_alter_stream_table.sink, _alter_stream_table.ducklake_sink_path,
                                       _alter_stream_table.ducklake_sink_mode, _alter_stream_table.ducklake_catalog_schema);
    PERFORM pg_advisory_xact_lock(pgtrickle._lock_namespace(), (v_st.pgt_id % 2147483647)::integer);
    SELECT * INTO v_current_sink FROM pgtrickle.pgt_sinks k WHERE k.pgt_id = v_st.pgt_id;
    IF v_sink.sink_type IS NOT NULL AND v_current_sink.pgt_id IS NOT NULL
       AND (v_sink.sink_path, v_sink.sink_mode, v_sink.catalog_schema)
           IS DISTINCT FROM (v_current_sink.sink_path, v_current_sink.sink_mode, v_current_sink.catalog_schema) THEN
        RAISE EXCEPTION 'stream table % already has a DuckLake sink (% mode, to %)', pgtrickle._display_name(v_st),
            v_current_sink.sink_mode, v_current_sink.sink_path USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'remove it first with sink => ''none'', then add the new one';
    END IF;
    IF lower(btrim(_alter_stream_table.sink)) = 'none' AND v_current_sink.pgt_id IS NOT NULL THEN
        PERFORM pgtrickle._detach_sink(v_st);
    END IF;
    IF v_query_changed THEN
        PERFORM pgtrickle._alter_query(v_st, _alter_stream_table.query, v_probe);
    END IF;
    v_recompile := v_query_changed OR coalesce(v_mode <> v_st.refresh_mode, false);
    UPDATE pgtrickle.pgt_stream_tables st
       SET schedule = coalesce(v_schedule, st.schedule),
           refresh_mode = coalesce(v_mode, st.refresh_mode),
           diamond_consistency = coalesce(v_diamond, st.diamond_consistency),
           status = CASE WHEN v_status = 'SUSPENDED' OR (st.status = 'SUSPENDED' AND v_status IS NULL) THEN 'SUSPENDED'
                         WHEN v_recompile OR st.refresh_program IS NULL THEN 'INITIALIZING'
                         WHEN st.status = 'SUSPENDED' THEN 'ACTIVE'
                         ELSE st.status END,
           consecutive_errors = CASE WHEN v_status = 'ACTIVE' OR v_recompile THEN 0 ELSE st.consecutive_errors END,
           last_error_message = CASE WHEN v_status = 'ACTIVE' OR v_recompile THEN NULL ELSE st.last_error_message END,
           effective_refresh_mode = CASE WHEN v_recompile THEN NULL ELSE st.effective_refresh_mode END,
           refresh_mode_reason = CASE WHEN v_recompile THEN NULL ELSE st.refresh_mode_reason END,
           refresh_program = CASE WHEN v_recompile THEN NULL ELSE st.refresh_program END,
           updated_at = now()
     WHERE st.pgt_id = v_st.pgt_id;
    IF v_mode <> v_st.refresh_mode THEN
        PERFORM pgtrickle._sync_immediate(d.source_relid) FROM pgtrickle.pgt_dependencies d WHERE d.pgt_id = v_st.pgt_id;
    END IF;
    IF v_sink.sink_type IS NOT NULL AND v_current_sink.pgt_id IS NULL THEN
        PERFORM pgtrickle._attach_sink((SELECT st FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_id = v_st.pgt_id),
                                       v_sink.sink_type, v_sink.sink_path, v_sink.sink_mode, v_sink.catalog_schema);
    END IF;
    IF v_query_changed
       AND current_setting('transaction_isolation') = 'read committed'
       AND (SELECT st.status FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_id = v_st.pgt_id) <> 'SUSPENDED' THEN
        PERFORM pgtrickle._refresh(v_st.pgt_id, 'MANUAL', true);
    END IF;
    PERFORM pgtrickle._alert(CASE WHEN st.status = 'SUSPENDED' THEN 'suspended' ELSE 'resumed' END,
                             jsonb_build_object('stream_table', pgtrickle._display_name(st), 'initiated_by', 'MANUAL'))
       FROM pgtrickle.pgt_stream_tables st
      WHERE st.pgt_id = v_st.pgt_id AND (st.status = 'SUSPENDED') <> (v_st.status = 'SUSPENDED');
    PERFORM pgtrickle._notify('altered', v_st.pgt_id);
END $$;

-- Suspends a stream table whose refreshes keep failing (the node does, after its configured
-- number of failures in a row). Returns false when it was suspended already.
CREATE OR REPLACE FUNCTION pgtrickle._auto_suspend(p_pgt_id bigint, p_reason text)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_st pgtrickle.pgt_stream_tables;
BEGIN
    UPDATE pgtrickle.pgt_stream_tables st
       SET status = 'SUSPENDED', last_error_message = p_reason, updated_at = now()
     WHERE st.pgt_id = p_pgt_id AND st.status <> 'SUSPENDED'
    RETURNING * INTO v_st;
    IF v_st.pgt_id IS NULL THEN
        RETURN false;
    END IF;
    PERFORM pgtrickle._notify('altered', p_pgt_id);
    PERFORM pgtrickle._alert('auto_suspended',
                             jsonb_build_object('stream_table', pgtrickle._display_name(v_st),
                                                'consecutive_errors', v_st.consecutive_errors, 'reason', left(p_reason, 2000)));
    RETURN true;
END $$;

-- Resumes a suspended stream table and clears its error count.
CREATE OR REPLACE FUNCTION pgtrickle.resume_stream_table(name text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    v_safe boolean := pgtrickle._safe_search_path();
    v_st pgtrickle.pgt_stream_tables := pgtrickle._find(resume_stream_table.name);
BEGIN
    PERFORM pgtrickle._check_may_change(v_st);
    IF v_st.status <> 'SUSPENDED' THEN
        RAISE EXCEPTION 'stream table % is not suspended (status %)', pgtrickle._display_name(v_st), v_st.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM pgtrickle.alter_stream_table(pgtrickle._display_name(v_st), status => 'ACTIVE');
END $$;
