-- The refresh driver. Every refresh, whoever starts it, runs here in one transaction:
-- take the stream table's advisory lock (fencing), decide NO_DATA, DIFFERENTIAL or FULL,
-- apply the change to the storage table (writing only rows whose values change), append that
-- change to the stream table's own buffer when something consumes it, advance the frontier,
-- write history, trim consumed changes. All data is read by one statement, so the result is
-- exact at any isolation level.
--
-- A compiled refresh program (pgt_stream_tables.refresh_program) is JSON:
--   {"format": 2, "mode": "FULL"|"DIFFERENTIAL", "full_sql": ..., "delta_sql": ..., "sources": [oid...]}
-- full_sql yields (__pgt_row_id, <every storage column after it>); delta_sql yields
-- (__pgt_row_id, __pgt_op, <the same columns>): op 'I' gives a row's new contents, 'D' says the
-- row must not exist. In delta_sql, {{changes:OID}} stands for the consumed rows of a source's
-- change buffer and {{self}} for the storage table. Without full_sql, rows are identified by
-- their contents (a hash of the row and its ordinal among identical rows).

-- Functions whose arguments changed in a later version.
DROP FUNCTION IF EXISTS pgtrickle._apply_sql(pgtrickle.pgt_stream_tables, text, boolean, integer);
DROP FUNCTION IF EXISTS pgtrickle._run(pgtrickle.pgt_stream_tables, text, boolean, integer);
DROP FUNCTION IF EXISTS pgtrickle._delta_rows_sql(pgtrickle.pgt_stream_tables, bigint, integer);
DROP FUNCTION IF EXISTS pgtrickle._apply_sql(pgtrickle.pgt_stream_tables, text, boolean, integer, bigint);
DROP FUNCTION IF EXISTS pgtrickle._has_changes(pgtrickle.pgt_stream_tables, pg_snapshot, bigint, integer, text);
DROP FUNCTION IF EXISTS pgtrickle._source_changes(pgtrickle.pgt_stream_tables, pg_snapshot, bigint, integer);
DROP FUNCTION IF EXISTS pgtrickle._run(pgtrickle.pgt_stream_tables, text, boolean, integer, bigint);
DROP FUNCTION IF EXISTS pgtrickle._apply_sql(pgtrickle.pgt_stream_tables, text, boolean, bigint, bigint);
DROP FUNCTION IF EXISTS pgtrickle._run(pgtrickle.pgt_stream_tables, text, boolean, bigint, bigint);
DROP FUNCTION IF EXISTS pgtrickle._has_changes(pgtrickle.pgt_stream_tables, pg_snapshot, bigint, bigint, text);
DROP FUNCTION IF EXISTS pgtrickle._source_changes(pgtrickle.pgt_stream_tables, pg_snapshot, bigint, bigint);

CREATE OR REPLACE FUNCTION pgtrickle._lock_namespace()
RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT 1414679372  -- 'TRKL'
$$;

-- The refresh locks of an atomic group, taken for the session before its REPEATABLE READ
-- transaction starts, so that its snapshot sees every refresh of a member committed before:
-- all of them, or none (false) when another session holds any.
CREATE OR REPLACE FUNCTION pgtrickle._try_lock_group(p_pgt_ids bigint[])
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_locked bigint[] := '{}';
    v_pgt_id bigint;
BEGIN
    FOREACH v_pgt_id IN ARRAY p_pgt_ids LOOP
        IF NOT pg_try_advisory_lock(pgtrickle._lock_namespace(), (v_pgt_id % 2147483647)::integer) THEN
            PERFORM pgtrickle._unlock_group(v_locked);
            RETURN false;
        END IF;
        v_locked := v_locked || v_pgt_id;
    END LOOP;
    RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION pgtrickle._unlock_group(p_pgt_ids bigint[])
RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_unlock(pgtrickle._lock_namespace(), (id % 2147483647)::integer) FROM unnest(p_pgt_ids) id
$$;

-- A relation's schema-qualified, quoted name: the same SQL in every session, whatever its search_path.
CREATE OR REPLACE FUNCTION pgtrickle._qualified(p_relid oid)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('%I.%I', n.nspname, c.relname)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = p_relid
$$;

-- Quoted storage columns, in order: the query's columns ('user'), Trickle's hidden state
-- ('aux', named __pgt_*), or both ('all'); never __pgt_row_id.
CREATE OR REPLACE FUNCTION pgtrickle._columns(p_relid oid, p_which text, p_prefix text DEFAULT '')
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(p_prefix || quote_ident(attname), ', ' ORDER BY attnum)
      FROM pg_attribute
     WHERE attrelid = p_relid AND attnum > 0 AND NOT attisdropped AND attname <> '__pgt_row_id'
       AND CASE p_which WHEN 'user' THEN attname NOT LIKE '\_\_pgt\_%'
                        WHEN 'aux' THEN attname LIKE '\_\_pgt\_%'
                        ELSE true END
$$;

-- "a.c1 IS DISTINCT FROM b.c1 OR ..." over the chosen columns, true when any value differs in
-- a way a reader could see. Types whose equality is exactly sameness (integers, timestamps,
-- text byte for byte) compare directly; all others by their text, which works for every type
-- (json has no equality) and tells 1.0 from 1.00.
CREATE OR REPLACE FUNCTION pgtrickle._differs_sql(p_relid oid, p_which text, p_left text, p_right text)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(
               CASE WHEN atttypid IN ('text'::regtype, 'varchar'::regtype)
                    THEN format('%1$s.%3$I COLLATE "C" IS DISTINCT FROM %2$s.%3$I COLLATE "C"', p_left, p_right, attname)
                    WHEN atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'bool'::regtype, 'date'::regtype,
                                      'timestamp'::regtype, 'timestamptz'::regtype, 'uuid'::regtype, 'bytea'::regtype,
                                      'oid'::regtype, '"char"'::regtype)
                    THEN format('%1$s.%3$I IS DISTINCT FROM %2$s.%3$I', p_left, p_right, attname)
                    ELSE format('%1$s.%3$I::text IS DISTINCT FROM %2$s.%3$I::text', p_left, p_right, attname) END,
               ' OR ' ORDER BY attnum), 'false')
      FROM pg_attribute
     WHERE attrelid = p_relid AND attnum > 0 AND NOT attisdropped AND attname <> '__pgt_row_id'
       AND CASE p_which WHEN 'user' THEN attname NOT LIKE '\_\_pgt\_%' ELSE true END
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

-- The full contents of a stream table with row identities: the compiled program's full_sql,
-- or, without one, the defining query with rows identified by their contents.
CREATE OR REPLACE FUNCTION pgtrickle._full_rows_sql(p_st pgtrickle.pgt_stream_tables)
RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_st.refresh_program ? 'full_sql' THEN
        RETURN p_st.refresh_program->>'full_sql';
    END IF;
    RETURN format($sql$SELECT hashtextextended(__pgt_text, row_number() OVER (PARTITION BY hashtextextended(__pgt_text, 0))) AS __pgt_row_id, %1$s
  FROM (SELECT __pgt_q.*, __pgt_q::text AS __pgt_text FROM (%2$s
) __pgt_q) __pgt_s$sql$,
        pgtrickle._columns(p_st.pgt_relid, 'user'), p_st.defining_query);
END $$;

-- SQL with each {{changes:OID}} of the stream table's sources replaced by the rows of that
-- source's change buffer between the stream table's frontier and the statement's snapshot.
CREATE OR REPLACE FUNCTION pgtrickle._with_changes(
    p_st pgtrickle.pgt_stream_tables, p_sql text, p_own_xid bigint, p_own_cid bigint)
RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_sql text := p_sql;
    v_source text;
BEGIN
    FOR v_source IN SELECT jsonb_array_elements_text(p_st.refresh_program->'sources') LOOP
        v_sql := replace(v_sql, '{{changes:' || v_source || '}}',
            format('(SELECT * FROM %s __pgt_b WHERE %s)', pgtrickle._buffer(v_source::oid),
                   pgtrickle._changes_predicate('__pgt_b', p_st.frontier, p_st.frontier_xid, p_st.frontier_cid,
                                                NULL, p_own_xid, p_own_cid)));
    END LOOP;
    RETURN v_sql;
END $$;

-- A program's delta SQL with its placeholders filled in for this refresh.
CREATE OR REPLACE FUNCTION pgtrickle._delta_rows_sql(
    p_st pgtrickle.pgt_stream_tables, p_own_xid bigint, p_own_cid bigint)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT pgtrickle._with_changes(p_st, replace(p_st.refresh_program->>'delta_sql', '{{self}}',
                                                 pgtrickle._qualified(p_st.pgt_relid)), p_own_xid, p_own_cid)
$$;

-- Delta SQL for a refresh in which the sources in p_unchanged have no change:
-- * without the UNION ALL branches that read the change of such a source (the compiler marks a
--   prunable branch /*<pgt ID NEEDS*/ ... /*</pgt ID*/, NEEDS being the sources of each item
--   whose change it reads: "1|2,3" reads one item changing with source 1 or 2 and one changing
--   with source 3). A multi-way join's delta has a branch per choice of changed items;
--   PostgreSQL plans them all, so dropping those that are empty this time cuts planning, which
--   dominated such refreshes;
-- * reading such a source's current rows where the SQL reads its rows before the change (the
--   compiler writes /*<alt OID CURRENT*/ OLD /*alt>*/, CURRENT reading the current rows): the
--   same rows, which PostgreSQL estimates and probes as the table they are, not as a union of
--   untouched rows and old images.
CREATE OR REPLACE FUNCTION pgtrickle._prune_branches(p_sql text, p_unchanged oid[])
RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_sql text := p_sql;
    v_pieces text[];
    v_kept text[];
    v_piece text;
    v_header text;
    v_item text;
    v_end text;
    v_at integer;
    v_skip_to text;
    v_dropped boolean;
BEGIN
    IF coalesce(cardinality(p_unchanged), 0) = 0 THEN
        RETURN p_sql;
    END IF;
    IF strpos(v_sql, '/*<pgt ') > 0 THEN
        -- One pass: each piece after the first starts with a marker's "ID NEEDS*/".
        v_pieces := string_to_array(v_sql, '/*<pgt ');
        v_kept := ARRAY[v_pieces[1]];
        FOR i IN 2 .. cardinality(v_pieces) LOOP
            v_piece := v_pieces[i];
            IF v_skip_to IS NOT NULL THEN  -- inside a dropped branch that holds marked ones
                v_at := strpos(v_piece, v_skip_to);
                CONTINUE WHEN v_at = 0;
                v_kept := v_kept || substr(v_piece, v_at + length(v_skip_to));
                v_skip_to := NULL;
                CONTINUE;
            END IF;
            v_header := left(v_piece, strpos(v_piece, '*/') - 1);
            v_dropped := false;
            FOREACH v_item IN ARRAY string_to_array(split_part(v_header, ' ', 2), ',') LOOP
                IF string_to_array(v_item, '|')::oid[] <@ p_unchanged THEN
                    v_dropped := true;
                    EXIT;
                END IF;
            END LOOP;
            IF NOT v_dropped THEN
                v_kept := v_kept || ('/*<pgt ' || v_piece);
                CONTINUE;
            END IF;
            v_end := '/*</pgt ' || split_part(v_header, ' ', 1) || '*/';
            v_at := strpos(v_piece, v_end);
            IF v_at = 0 THEN
                v_skip_to := v_end;
            ELSE
                v_kept := v_kept || substr(v_piece, v_at + length(v_end));
            END IF;
        END LOOP;
        v_sql := array_to_string(v_kept, '');
    END IF;
    -- Alternatives do not nest: each piece after the first holds one, "OID CURRENT*/OLD/*alt>*/".
    RETURN (SELECT string_agg(CASE WHEN p.n = 1 THEN p.piece
                                   WHEN split_part(p.piece, ' ', 1)::oid = ANY (p_unchanged)
                                   THEN substr(split_part(p.piece, '*/', 1), strpos(p.piece, ' ') + 1)
                                        || split_part(p.piece, '/*alt>*/', 2)
                                   ELSE '/*<alt ' || p.piece END, '' ORDER BY p.n)
              FROM unnest(string_to_array(v_sql, '/*<alt ')) WITH ORDINALITY AS p(piece, n));
END $$;

-- A condition, true when none of p_sources has a change between the stream table's frontier
-- and the statement's snapshot: a refresh that pruned its delta SQL for them on an earlier look
-- (_prune_branches) checks it in its own statement, since a source may have committed a change
-- in between.
CREATE OR REPLACE FUNCTION pgtrickle._unchanged_sql(
    p_st pgtrickle.pgt_stream_tables, p_sources oid[], p_own_xid bigint, p_own_cid bigint)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT pgtrickle._with_changes(p_st, string_agg(format('NOT EXISTS (SELECT 1 FROM {{changes:%s}} __pgt_u)', s), ' AND '),
                                   p_own_xid, p_own_cid)
      FROM unnest(p_sources) s
$$;

-- The single statement of a refresh, as a template: {{rows}} stands for full-contents SQL
-- (p_full) or delta SQL, {{own_cid}}, {{frontier}}, {{frontier_xid}}, {{frontier_cid}} and
-- {{refresh_id}} for this refresh's values. The statement turns the rows into the set of target rows, deletes,
-- updates (only when a value differs) and inserts, emits exactly the visible change to the
-- stream table's own buffer, and advances the frontier to its own snapshot if nobody else did
-- (compare-and-set).
CREATE OR REPLACE FUNCTION pgtrickle._apply_template(p_st pgtrickle.pgt_stream_tables, p_full boolean)
RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_storage text := pgtrickle._qualified(p_st.pgt_relid);
    v_all text := pgtrickle._columns(p_st.pgt_relid, 'all');
    v_user text := pgtrickle._columns(p_st.pgt_relid, 'user');
    v_buffer text := pgtrickle._qualified(pgtrickle._buffer(p_st.pgt_relid));
    v_target text;
    v_output text := '';
BEGIN
    -- __pgt_cmp: every target row (__pgt_op 'I': its new contents, 'D': it must not exist)
    -- paired with the stored row of the same identity, if any, saying whether they differ. All
    -- parts of the statement read storage as it was before the statement.
    IF p_full THEN
        v_target := format($t$__pgt_full AS MATERIALIZED (%1$s
), __pgt_cmp AS MATERIALIZED (
    SELECT coalesce(t.__pgt_row_id, o.__pgt_row_id) AS __pgt_row_id,
           CASE WHEN t.__pgt_row_id IS NULL THEN 'D' ELSE 'I' END::"char" AS __pgt_op, %2$s,
           o.__pgt_row_id IS NOT NULL AS __pgt_stored,
           o.__pgt_row_id IS NOT NULL AND t.__pgt_row_id IS NOT NULL AND (%3$s) AS __pgt_differs,
           o.__pgt_row_id IS NOT NULL AND t.__pgt_row_id IS NOT NULL AND (%4$s) AS __pgt_visible
      FROM __pgt_full t FULL JOIN %5$s o ON o.__pgt_row_id = t.__pgt_row_id
)$t$, '{{rows}}', pgtrickle._columns(p_st.pgt_relid, 'all', 't.'),
        pgtrickle._differs_sql(p_st.pgt_relid, 'all', 'o', 't'), pgtrickle._differs_sql(p_st.pgt_relid, 'user', 'o', 't'),
        v_storage);
    ELSE
        v_target := format($t$__pgt_delta AS MATERIALIZED (%1$s
), __pgt_target AS MATERIALIZED (
    SELECT DISTINCT ON (__pgt_row_id) __pgt_row_id, __pgt_op::"char" AS __pgt_op, %2$s
      FROM __pgt_delta ORDER BY __pgt_row_id, __pgt_op DESC
), __pgt_cmp AS MATERIALIZED (
    SELECT t.*, o.__pgt_row_id IS NOT NULL AS __pgt_stored,
           o.__pgt_row_id IS NOT NULL AND t.__pgt_op = 'I' AND (%3$s) AS __pgt_differs,
           o.__pgt_row_id IS NOT NULL AND t.__pgt_op = 'I' AND (%4$s) AS __pgt_visible
      FROM __pgt_target t LEFT JOIN %5$s o ON o.__pgt_row_id = t.__pgt_row_id
)$t$, '{{rows}}', v_all,
        pgtrickle._differs_sql(p_st.pgt_relid, 'all', 'o', 't'), pgtrickle._differs_sql(p_st.pgt_relid, 'user', 'o', 't'),
        v_storage);
    END IF;
    IF v_buffer IS NOT NULL THEN
        v_output := format($out$, __pgt_out AS (
    INSERT INTO %1$s (__pgt_xid, __pgt_seq, __pgt_refresh_id, __pgt_op, __pgt_row_id, %2$s)
    SELECT pgtrickle._xid(pg_current_xact_id()), {{own_cid}}, {{refresh_id}}, 'D', __pgt_row_id, %2$s FROM __pgt_del
    UNION ALL
    SELECT pgtrickle._xid(pg_current_xact_id()), {{own_cid}}, {{refresh_id}}, 'D', o.__pgt_row_id, %3$s FROM %4$s o
     WHERE o.__pgt_row_id IN (SELECT __pgt_row_id FROM __pgt_cmp WHERE __pgt_visible)
    UNION ALL
    SELECT pgtrickle._xid(pg_current_xact_id()), {{own_cid}}, {{refresh_id}}, 'I', __pgt_row_id, %2$s FROM __pgt_cmp WHERE __pgt_visible
    UNION ALL
    SELECT pgtrickle._xid(pg_current_xact_id()), {{own_cid}}, {{refresh_id}}, 'I', __pgt_row_id, %2$s FROM __pgt_ins
)$out$, v_buffer, v_user, pgtrickle._columns(p_st.pgt_relid, 'user', 'o.'), v_storage);
    END IF;
    RETURN format($sql$WITH %1$s, __pgt_del AS (
    DELETE FROM %2$s s USING __pgt_cmp c
     WHERE s.__pgt_row_id = c.__pgt_row_id AND c.__pgt_op = 'D' AND c.__pgt_stored
    RETURNING s.*
), __pgt_upd AS (
    UPDATE %2$s s SET (%3$s) = ROW(%4$s)
      FROM __pgt_cmp c
     WHERE s.__pgt_row_id = c.__pgt_row_id AND c.__pgt_differs
    RETURNING 1
), __pgt_ins AS (
    INSERT INTO %2$s (__pgt_row_id, %3$s)
    SELECT c.__pgt_row_id, %4$s FROM __pgt_cmp c WHERE c.__pgt_op = 'I' AND NOT c.__pgt_stored
    RETURNING *
)%5$s, __pgt_meta AS (
    UPDATE pgtrickle.pgt_stream_tables
       SET frontier = pg_current_snapshot(), frontier_xid = pgtrickle._xid(pg_current_xact_id()),
           frontier_cid = {{own_cid}}, is_populated = true, needs_reinit = false,
           data_timestamp = statement_timestamp(), last_refresh_at = clock_timestamp(),
           consecutive_errors = 0, last_error_message = NULL, updated_at = now()
     WHERE pgt_id = %6$s AND frontier::text IS NOT DISTINCT FROM {{frontier}}
       AND frontier_xid IS NOT DISTINCT FROM {{frontier_xid}}::bigint AND frontier_cid IS NOT DISTINCT FROM {{frontier_cid}}::bigint
    RETURNING 1
)
SELECT (SELECT count(*) FROM __pgt_ins) AS rows_inserted,
       (SELECT count(*) FROM __pgt_cmp WHERE __pgt_visible) AS rows_updated,
       (SELECT count(*) FROM __pgt_del) AS rows_deleted,
       (SELECT count(*) FROM __pgt_meta) AS catalog_rows,
       pg_current_snapshot() AS frontier_to,
       {{unchanged}} AS sources_unchanged$sql$,
        v_target, v_storage, v_all, pgtrickle._columns(p_st.pgt_relid, 'all', 'c.'), v_output, p_st.pgt_id);
END $$;

-- What a cached refresh statement depends on: the storage table, the program and the
-- stream table's own buffer (present while something consumes it).
CREATE OR REPLACE FUNCTION pgtrickle._statement_key(p_st pgtrickle.pgt_stream_tables)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('relid', p_st.pgt_relid, 'program_version', p_st.program_version,
                              'buffer', pgtrickle._buffer(p_st.pgt_relid))
$$;

-- The stream table's refresh statement templates (keys 'key', 'delta', 'full').
CREATE OR REPLACE FUNCTION pgtrickle._statements(p_st pgtrickle.pgt_stream_tables)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_key jsonb := pgtrickle._statement_key(p_st);
BEGIN
    IF p_st.refresh_statements->'key' = v_key THEN
        RETURN p_st.refresh_statements;
    END IF;
    RETURN jsonb_build_object('key', v_key, 'delta', pgtrickle._apply_template(p_st, false),
                              'full', pgtrickle._apply_template(p_st, true));
END $$;

-- The single statement of a refresh: its template with this refresh's rows and values.
CREATE OR REPLACE FUNCTION pgtrickle._apply_sql(
    p_st pgtrickle.pgt_stream_tables, p_rows text, p_full boolean, p_own_cid bigint, p_refresh_id bigint,
    p_unchanged text DEFAULT 'true')
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT replace(replace(replace(replace(replace(replace(replace(
               pgtrickle._statements(p_st)->>(CASE WHEN p_full THEN 'full' ELSE 'delta' END),
               '{{own_cid}}', p_own_cid::text),
               '{{frontier}}', quote_nullable(p_st.frontier::text)),
               '{{frontier_xid}}', quote_nullable(p_st.frontier_xid)),
               '{{frontier_cid}}', quote_nullable(p_st.frontier_cid)),
               '{{refresh_id}}', p_refresh_id::text),
               '{{unchanged}}', p_unchanged),
               '{{rows}}', p_rows)
$$;

-- Stores the stream table's refresh statement templates when they are missing or stale.
CREATE OR REPLACE FUNCTION pgtrickle._cache_statements(p_st pgtrickle.pgt_stream_tables)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_statements jsonb := pgtrickle._statements(p_st);
BEGIN
    -- Comparing the keys, not the statements: a DIFFERENTIAL template runs to tens of kilobytes.
    IF p_st.refresh_statements->'key' IS DISTINCT FROM v_statements->'key' THEN
        UPDATE pgtrickle.pgt_stream_tables SET refresh_statements = v_statements WHERE pgt_id = p_st.pgt_id;
    END IF;
    RETURN v_statements;
END $$;

-- True when any source changed between the stream table's frontier and p_to (a FULL program's
-- no-change check; a DIFFERENTIAL one counts the changes with _source_changes).
CREATE OR REPLACE FUNCTION pgtrickle._has_changes(
    p_st pgtrickle.pgt_stream_tables, p_to pg_snapshot, p_to_xid bigint, p_to_cid bigint)
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

-- The largest share of a source's rows that may have changed for an AUTO stream table to still
-- refresh DIFFERENTIAL: the setting pgtrickle.differential_max_change_ratio (ALTER DATABASE ...
-- SET, or SET in the session), 0.15 when unset; 0 or less never falls back.
CREATE OR REPLACE FUNCTION pgtrickle._max_change_ratio()
RETURNS numeric
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_setting text := nullif(current_setting('pgtrickle.differential_max_change_ratio', true), '');
BEGIN
    RETURN coalesce(v_setting::numeric, 0.15);
EXCEPTION WHEN invalid_text_representation THEN
    RAISE EXCEPTION 'pgtrickle.differential_max_change_ratio must be a number (a share of rows such as 0.15), not %',
        quote_literal(v_setting) USING ERRCODE = 'invalid_parameter_value';
END $$;

-- The part of a value its hash loses: PostgreSQL hashes bigint and the types stored as one
-- (timestamp, timestamptz, time, timetz, xid8, pg_lsn) by folding the two halves into 32 bits,
-- so row ids hashing such values (group keys, DISTINCT rows, recursion rows) would collide
-- among a few tens of thousands of values (2000-01-01 00:00 and 01:11:34.967297 have one hash).
-- Row ids hash the value and _unfolded of it: its exact number for those types, NULL for all
-- others (anyelement; smallint, integer and date have their own so that a call with them is
-- not ambiguous, as they cast implicitly to bigint or timestamps). Inlined by the planner.
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value anyelement)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT NULL::numeric $$;
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value smallint)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT NULL::numeric $$;
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value integer)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT NULL::numeric $$;
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value date)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT NULL::numeric $$;
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value bigint)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT p_value::numeric $$;
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value xid8)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT p_value::text::numeric $$;
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value pg_lsn)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT p_value - '0/0'::pg_lsn $$;
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value timestamp)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(epoch FROM p_value) $$;
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value timestamptz)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(epoch FROM p_value) $$;
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value time)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(epoch FROM p_value) $$;
CREATE OR REPLACE FUNCTION pgtrickle._unfolded(p_value timetz)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(epoch FROM p_value) $$;

-- How many levels a WITH RECURSIVE ... UNION ALL in a stream table's query may go before it
-- fails (a cycle in the data never ends such a recursion): the setting
-- pgtrickle.max_recursion_depth (ALTER DATABASE ... SET, or SET in the session), 1000 when
-- unset; 0 or less sets no limit.
CREATE OR REPLACE FUNCTION pgtrickle._max_recursion_depth()
RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_setting text := nullif(current_setting('pgtrickle.max_recursion_depth', true), '');
    v_depth integer;
BEGIN
    v_depth := coalesce(v_setting::integer, 1000);
    RETURN CASE WHEN v_depth <= 0 THEN 2147483647 ELSE v_depth END;
EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
    RAISE EXCEPTION 'pgtrickle.max_recursion_depth must be a whole number of levels, not %', quote_literal(v_setting)
        USING ERRCODE = 'invalid_parameter_value';
END $$;

-- Fails a recursion that went deeper than pgtrickle.max_recursion_depth (volatile, so the
-- check stays where the generated SQL puts it).
CREATE OR REPLACE FUNCTION pgtrickle._recursion_too_deep(p_cte text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION 'WITH RECURSIVE % went deeper than pgtrickle.max_recursion_depth = % levels', p_cte,
        pgtrickle._max_recursion_depth()
        USING ERRCODE = 'program_limit_exceeded',
              HINT = 'a UNION ALL recursion never ends on cyclic data: use UNION, stop it with a condition on the level, '
                     'or raise the setting';
END $$;

-- The estimated row count of a table (with its partitions); NULL when never estimated.
CREATE OR REPLACE FUNCTION pgtrickle._row_estimate(p_relid oid)
RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT nullif(sum(greatest(c.reltuples, 0)), 0)::numeric
      FROM pg_class c
     WHERE c.oid = p_relid AND c.relkind <> 'p'
        OR c.oid IN (SELECT t.relid FROM pg_partition_tree(p_relid) t WHERE t.isleaf)
$$;

DROP FUNCTION IF EXISTS pgtrickle._change_ratio_reason(pgtrickle.pgt_stream_tables, pg_snapshot, bigint, integer);

-- The changes to each source of a stream table since its frontier, counted up to one more than
-- the source's estimated row count (for a source never estimated, row_estimate is NULL and
-- changes 0 or 1: whether it has any), and whether the source was truncated in that range. One
-- scan of each buffer serves the no-change check, the change ratio, the pruning of delta
-- branches and the truncation check; a second one looks for a truncation only past the count's
-- limit. A source that cannot be captured (a materialized view, a foreign table) has changes
-- NULL: it must always be recomputed.
CREATE OR REPLACE FUNCTION pgtrickle._source_changes(
    p_st pgtrickle.pgt_stream_tables, p_to pg_snapshot, p_to_xid bigint, p_to_cid bigint)
RETURNS TABLE (source oid, row_estimate numeric, changes bigint, truncated boolean)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_buffer regclass;
    v_range text;
    v_limit bigint;
BEGIN
    FOR source IN
        SELECT d.source_relid FROM pgtrickle.pgt_dependencies d WHERE d.pgt_id = p_st.pgt_id AND d.source_type <> 'VIEW'
    LOOP
        v_buffer := pgtrickle._buffer(source);
        row_estimate := pgtrickle._row_estimate(source);
        changes := NULL;
        truncated := NULL;
        IF v_buffer IS NOT NULL THEN
            v_range := pgtrickle._changes_predicate('b', p_st.frontier, p_st.frontier_xid, p_st.frontier_cid,
                                                    p_to, p_to_xid, p_to_cid);
            v_limit := coalesce(ceil(row_estimate)::bigint + 1, 1);
            EXECUTE format('SELECT count(*), coalesce(bool_or(c.__pgt_op = ''T''), false) '
                           'FROM (SELECT b.__pgt_op FROM %s b WHERE %s LIMIT %s) c', v_buffer, v_range, v_limit)
               INTO changes, truncated;
            IF changes = v_limit AND NOT truncated THEN
                EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s b WHERE %s AND b.__pgt_op = ''T'')', v_buffer, v_range)
                   INTO truncated;
            END IF;
        END IF;
        RETURN NEXT;
    END LOOP;
END $$;

-- Whether a change buffer's statistics know no change from transaction p_xid on: the buffer's
-- change ids only grow, so a refresh reading the changes since its frontier would be planned as
-- if there were almost none (true too when there are no statistics yet).
-- PL/pgSQL, so that a session plans the pg_stats view once, not at every call.
CREATE OR REPLACE FUNCTION pgtrickle._stats_predate(p_buffer regclass, p_xid bigint)
RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_newest bigint;
BEGIN
    SELECT max(v.xid) INTO v_newest
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = '__pgt_xid'
     CROSS JOIN LATERAL unnest(coalesce(s.histogram_bounds::text::bigint[], '{}')
                               || coalesce(s.most_common_vals::text::bigint[], '{}')) v(xid)
     WHERE c.oid = p_buffer;
    RETURN coalesce(v_newest < p_xid, true);
END $$;

-- Analyzes the change buffers the given stream tables read that hold at least 100 changes
-- newer than their statistics (see _stats_predate). Scheduled refreshes call it in a
-- transaction of its own just before theirs: planned against statistics that know nothing of
-- the change, PostgreSQL joins changes by nested loops that rescan one change per row of the
-- other, and an ANALYZE inside the refresh would hold its lock until the refresh commits,
-- queueing every other refresh of a stream table reading the same source. A buffer another
-- session is analyzing (or holds analyzed in an open refresh) is left alone after 100 ms.
CREATE OR REPLACE FUNCTION pgtrickle._analyze_buffers(p_pgt_ids bigint[])
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_buffer regclass;
BEGIN
    PERFORM set_config('lock_timeout', '100ms', true);
    FOR v_buffer IN
        SELECT DISTINCT b.buffer
          FROM pgtrickle.pgt_stream_tables st
          JOIN pgtrickle.pgt_dependencies d ON d.pgt_id = st.pgt_id AND d.source_type <> 'VIEW'
         CROSS JOIN LATERAL (SELECT pgtrickle._buffer(d.source_relid) AS buffer) b
          JOIN pg_catalog.pg_stat_all_tables t ON t.relid = b.buffer
         WHERE st.pgt_id = ANY (p_pgt_ids) AND t.n_mod_since_analyze >= 100
           AND pgtrickle._stats_predate(b.buffer, pgtrickle._xid(pg_snapshot_xmin(st.frontier)))
    LOOP
        BEGIN
            EXECUTE format('ANALYZE %s', v_buffer);
        EXCEPTION WHEN lock_not_available THEN
            NULL;
        END;
    END LOOP;
END $$;

-- How long a refresh took, in milliseconds.
CREATE OR REPLACE FUNCTION pgtrickle._duration_ms(p_refresh pgtrickle.pgt_refresh_history)
RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT extract(epoch FROM p_refresh.end_time - p_refresh.start_time)::numeric * 1000
$$;

-- Why an AUTO stream table's history says FULL is cheaper at this change ratio: a least-squares
-- line through its last 50 DIFFERENTIAL refreshes' times against their change ratios (their
-- mean when the ratios do not vary) predicts more than 1.2 times the mean of its last 10 FULL
-- refreshes (the margin keeps noise from flipping the choice). Needs 5 DIFFERENTIAL refreshes and
-- 1 FULL one (the initial population counts); NULL when DIFFERENTIAL should run.
CREATE OR REPLACE FUNCTION pgtrickle._cost_model_reason(p_pgt_id bigint, p_ratio numeric)
RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_diff record;
    v_full record;
    v_predicted numeric;
BEGIN
    IF p_ratio IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT count(*) AS n, avg(d.ms) AS avg_ms, regr_slope(d.ms, d.ratio) AS slope,
           regr_intercept(d.ms, d.ratio) AS intercept
      INTO v_diff
      FROM (SELECT pgtrickle._duration_ms(h) AS ms, h.change_ratio AS ratio
              FROM pgtrickle.pgt_refresh_history h
             WHERE h.pgt_id = p_pgt_id AND h.action = 'DIFFERENTIAL' AND h.status = 'COMPLETED'
               AND h.change_ratio IS NOT NULL
             ORDER BY h.refresh_id DESC LIMIT 50) d;
    SELECT count(*) AS n, avg(f.ms) AS avg_ms
      INTO v_full
      FROM (SELECT pgtrickle._duration_ms(h) AS ms
              FROM pgtrickle.pgt_refresh_history h
             WHERE h.pgt_id = p_pgt_id AND h.action IN ('FULL', 'REINITIALIZE') AND h.status = 'COMPLETED'
             ORDER BY h.refresh_id DESC LIMIT 10) f;
    IF v_diff.n < 5 OR v_full.n < 1 THEN
        RETURN NULL;
    END IF;
    v_predicted := CASE WHEN v_diff.slope IS NULL THEN v_diff.avg_ms
                        ELSE greatest(v_diff.intercept + v_diff.slope * p_ratio, 0) END;
    IF v_predicted > 1.2 * v_full.avg_ms THEN
        RETURN format('the cost model predicts %s ms for DIFFERENTIAL at change ratio %s; FULL averages %s ms',
                      round(v_predicted, 1), round(p_ratio, 4), round(v_full.avg_ms, 1));
    END IF;
    RETURN NULL;
END $$;

-- The id of the next refresh history row.
CREATE OR REPLACE FUNCTION pgtrickle._next_refresh_id()
RETURNS bigint
LANGUAGE sql AS $$
    SELECT nextval(pg_get_serial_sequence('pgtrickle.pgt_refresh_history', 'refresh_id'))
$$;

-- Runs one refresh and returns its pgt_refresh_history id, or NULL when p_wait is false and
-- another session holds the stream table's refresh lock. A scheduled refresh that finds no
-- changes (and follows no failure) writes no history row and returns 0.
CREATE OR REPLACE FUNCTION pgtrickle._refresh(p_pgt_id bigint, p_initiated_by text, p_wait boolean DEFAULT true)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_st pgtrickle.pgt_stream_tables;
    -- Set once the refresh lock is held: a refresh's [start_time, end_time] never overlaps
    -- another's of the same stream table.
    v_start timestamptz;
    v_own_xid bigint;
    v_own_cid bigint;
    v_snapshot pg_snapshot;
    v_action text;
    v_result record;
    -- Taken before the refresh runs: its change, in the stream table's buffer, carries it.
    v_refresh_id bigint;
    v_reason text;
    v_limit numeric;
    v_ratio numeric;
    v_ratio_reason text;
    v_stale_buffers regclass[];
    v_unchanged oid[];
    v_rows text;
    v_pruned text;
    v_buffer regclass;
    v_differential boolean;
    v_changed boolean;
    v_truncated boolean;
BEGIN
    IF p_wait THEN
        PERFORM pg_advisory_xact_lock(pgtrickle._lock_namespace(), (p_pgt_id % 2147483647)::integer);
    ELSIF NOT pg_try_advisory_xact_lock(pgtrickle._lock_namespace(), (p_pgt_id % 2147483647)::integer) THEN
        RETURN NULL;
    END IF;
    v_start := clock_timestamp();
    -- Under REPEATABLE READ or SERIALIZABLE, a refresh whose snapshot predates another
    -- committed refresh of this table fails here with a serialization failure (40001), before
    -- it writes anything (IMMEDIATE writers retry their transaction).
    PERFORM 1 FROM pgtrickle.pgt_stream_tables WHERE pgt_id = p_pgt_id FOR UPDATE;
    -- A source altered without the event trigger seeing it: reinitialize or fail first.
    IF pgtrickle._check_sources(p_pgt_id) THEN
        IF (SELECT status FROM pgtrickle.pgt_stream_tables WHERE pgt_id = p_pgt_id) = 'ERROR' THEN
            RETURN 0;
        END IF;
    END IF;
    SELECT * INTO v_st FROM pgtrickle.pgt_stream_tables WHERE pgt_id = p_pgt_id;
    PERFORM pgtrickle._check_refreshable(v_st, p_pgt_id);
    v_st.refresh_statements := pgtrickle._cache_statements(v_st);

    -- Changes this transaction made before the refresh are those stamped with a lower
    -- change_seq number; what it writes later gets higher ones.
    v_own_xid := pgtrickle._xid(pg_current_xact_id_if_assigned());
    v_own_cid := nextval('pgtrickle.change_seq');

    -- A manual refresh of a FULL table recomputes it whether or not a source changed, as
    -- REFRESH MATERIALIZED VIEW does: its query may read stable functions such as now().
    IF v_st.is_populated AND NOT v_st.needs_reinit AND NOT (p_initiated_by = 'MANUAL' AND v_st.refresh_mode = 'FULL') THEN
        v_snapshot := pg_current_snapshot();
        v_differential := v_st.refresh_program->>'mode' = 'DIFFERENTIAL';
        IF v_differential THEN
            v_limit := CASE WHEN v_st.refresh_mode = 'AUTO' THEN pgtrickle._max_change_ratio() ELSE 0 END;
            -- Buffers holding at least 100 changes and more than twice what their statistics
            -- say, or changes all newer than their statistics (written by this transaction, or
            -- not analyzed by _analyze_buffers), are stale: planning a large change against a
            -- buffer it believes nearly empty, PostgreSQL joins changes by nested loops that
            -- rescan one change per row of the other. They are analyzed before a DIFFERENTIAL
            -- refresh.
            WITH c AS MATERIALIZED (SELECT * FROM pgtrickle._source_changes(v_st, v_snapshot, v_own_xid, v_own_cid))
            SELECT coalesce((SELECT bool_or(c.changes IS NULL OR c.changes > 0) FROM c), false),
                   coalesce((SELECT bool_or(c.truncated) FROM c), false),
                   (SELECT max(c.changes / c.row_estimate) FROM c),
                   (SELECT format('more than %s changes to %s (about %s rows) exceed '
                                  'pgtrickle.differential_max_change_ratio = %s',
                                  ceil(v_limit * c.row_estimate)::bigint, c.source::regclass, round(c.row_estimate), v_limit)
                      FROM c WHERE v_limit > 0 AND c.changes > v_limit * c.row_estimate LIMIT 1),
                   (SELECT array_agg(b.buffer) FROM c CROSS JOIN LATERAL (SELECT pgtrickle._buffer(c.source) AS buffer) b
                     WHERE c.changes >= 100 AND ((SELECT reltuples FROM pg_class WHERE oid = b.buffer) < c.changes / 2.0
                           OR pgtrickle._stats_predate(b.buffer, pgtrickle._xid(pg_snapshot_xmin(v_st.frontier))))),
                   (SELECT array_agg(c.source) FROM c WHERE c.changes = 0)
              INTO v_changed, v_truncated, v_ratio, v_ratio_reason, v_stale_buffers, v_unchanged;
        ELSE
            v_changed := pgtrickle._has_changes(v_st, v_snapshot, v_own_xid, v_own_cid);
        END IF;
        IF NOT v_changed THEN
            v_action := 'NO_DATA';
            IF p_initiated_by = 'IMMEDIATE' THEN
                -- A statement that changed no row: nothing to record or advance.
                RETURN 0;
            END IF;
            IF p_initiated_by = 'SCHEDULER' AND v_st.consecutive_errors = 0 THEN
                -- Routine, so not recorded: a table on a 1s schedule would write a history row
                -- every second. The frontier stays (nothing lies between it and now).
                UPDATE pgtrickle.pgt_stream_tables
                   SET data_timestamp = statement_timestamp(), last_refresh_at = clock_timestamp()
                 WHERE pgt_id = p_pgt_id;
                RETURN 0;
            END IF;
            v_refresh_id := pgtrickle._next_refresh_id();
            UPDATE pgtrickle.pgt_stream_tables
               SET frontier = v_snapshot, frontier_xid = coalesce(v_own_xid, pgtrickle._xid(pg_current_xact_id())),
                   frontier_cid = v_own_cid, data_timestamp = statement_timestamp(), last_refresh_at = clock_timestamp(),
                   consecutive_errors = 0, last_error_message = NULL, updated_at = now()
             WHERE pgt_id = p_pgt_id;
            SELECT 0::bigint AS rows_inserted, 0::bigint AS rows_updated, 0::bigint AS rows_deleted,
                   v_snapshot AS frontier_to INTO v_result;
        ELSIF v_differential THEN
            IF v_truncated THEN
                v_reason := 'a source was truncated';
            ELSIF v_st.refresh_mode = 'AUTO' THEN
                v_reason := coalesce(v_ratio_reason, pgtrickle._cost_model_reason(p_pgt_id, v_ratio));
            END IF;
            IF v_reason IS NULL THEN
                v_action := 'DIFFERENTIAL';
                FOREACH v_buffer IN ARRAY coalesce(v_stale_buffers, ARRAY[]::regclass[]) LOOP
                    EXECUTE format('ANALYZE %s', v_buffer);
                END LOOP;
                v_refresh_id := pgtrickle._next_refresh_id();
                v_rows := pgtrickle._delta_rows_sql(v_st, v_own_xid, v_own_cid);
                v_pruned := pgtrickle._prune_branches(v_rows, v_unchanged);
                IF v_pruned = v_rows THEN
                    SELECT * INTO v_result FROM pgtrickle._run(v_st, v_rows, false, v_own_cid, v_refresh_id);
                ELSE
                    BEGIN
                        SELECT * INTO v_result FROM pgtrickle._run(v_st, v_pruned, false, v_own_cid, v_refresh_id,
                            pgtrickle._unchanged_sql(v_st, v_unchanged, v_own_xid, v_own_cid));
                    EXCEPTION WHEN SQLSTATE 'PT409' THEN
                        SELECT * INTO v_result FROM pgtrickle._run(v_st, v_rows, false, v_own_cid, v_refresh_id);
                    END;
                END IF;
            END IF;
        END IF;
    ELSIF v_st.needs_reinit THEN
        v_reason := 'the refresh program changed';
    END IF;

    IF v_action IS NULL THEN
        v_action := CASE WHEN v_st.needs_reinit THEN 'REINITIALIZE' ELSE 'FULL' END;
        v_refresh_id := pgtrickle._next_refresh_id();
        SELECT * INTO v_result FROM pgtrickle._run(v_st, pgtrickle._full_rows_sql(v_st), true, v_own_cid, v_refresh_id);
    END IF;

    INSERT INTO pgtrickle.pgt_refresh_history
        (refresh_id, pgt_id, data_timestamp, start_time, end_time, action, rows_inserted, rows_updated, rows_deleted,
         delta_row_count, status, initiated_by, frontier_from, frontier_to, reason, change_ratio)
    VALUES (v_refresh_id, p_pgt_id, statement_timestamp(), v_start, clock_timestamp(), v_action, v_result.rows_inserted,
            v_result.rows_updated, v_result.rows_deleted,
            v_result.rows_inserted + v_result.rows_deleted + 2 * v_result.rows_updated,
            'COMPLETED', p_initiated_by, v_st.frontier, v_result.frontier_to, v_reason, v_ratio);

    PERFORM pgtrickle._trim_sources(ARRAY[p_pgt_id]);
    RETURN v_refresh_id;
END $$;

-- Runs one refresh statement with the storage protection lifted and checks its frontier
-- compare-and-set. A differential statement runs without JIT: it is long generated SQL over
-- few rows, and its estimated cost (a sum over many CTEs) easily passes the JIT thresholds;
-- compiling it took seconds where running it took milliseconds. While random_page_cost has its
-- built-in value, it also runs with random_page_cost = 1.1, as for data in memory or on SSD: its
-- work is probing indexes for the keys a change touched, and under the built-in 4 (a cost for
-- spinning disks) PostgreSQL scanned whole tables instead (TPC-H Q12: 3,000 changed orders,
-- their line items found by a 47 ms scan rather than by 3,000 probes, 20 ms for the refresh).
CREATE OR REPLACE FUNCTION pgtrickle._run(
    p_st pgtrickle.pgt_stream_tables, p_rows text, p_full boolean, p_own_cid bigint, p_refresh_id bigint,
    p_unchanged text DEFAULT 'true',
    OUT rows_inserted bigint, OUT rows_updated bigint, OUT rows_deleted bigint, OUT frontier_to pg_snapshot)
LANGUAGE plpgsql AS $$
DECLARE
    v_catalog_rows bigint;
    v_sources_unchanged boolean;
    v_jit text := current_setting('jit');
    v_random_page_cost text := current_setting('random_page_cost');
BEGIN
    PERFORM set_config('pgtrickle.maintenance', 'on', true);
    IF NOT p_full THEN
        PERFORM set_config('jit', 'off', true);
        IF v_random_page_cost = (SELECT boot_val FROM pg_catalog.pg_settings WHERE name = 'random_page_cost') THEN
            PERFORM set_config('random_page_cost', '1.1', true);
        END IF;
    END IF;
    EXECUTE pgtrickle._apply_sql(p_st, p_rows, p_full, p_own_cid, p_refresh_id, p_unchanged)
       INTO rows_inserted, rows_updated, rows_deleted, v_catalog_rows, frontier_to, v_sources_unchanged;
    PERFORM set_config('jit', v_jit, true);
    PERFORM set_config('random_page_cost', v_random_page_cost, true);
    PERFORM set_config('pgtrickle.maintenance', '', true);
    IF NOT v_sources_unchanged THEN
        RAISE EXCEPTION 'a source of stream table % changed after its refresh took it for unchanged',
            pgtrickle._display_name(p_st) USING ERRCODE = 'PT409';
    END IF;
    IF v_catalog_rows <> 1 THEN
        RAISE EXCEPTION 'stream table % was refreshed concurrently; this refresh was rolled back', pgtrickle._display_name(p_st)
            USING ERRCODE = 'serialization_failure';
    END IF;
END $$;

-- Fails unless a stream table exists and may be refreshed now.
CREATE OR REPLACE FUNCTION pgtrickle._check_refreshable(p_st pgtrickle.pgt_stream_tables, p_pgt_id bigint)
RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_st.pgt_id IS NULL THEN
        RAISE EXCEPTION 'stream table with id % does not exist (was it dropped?)', p_pgt_id USING ERRCODE = 'undefined_table';
    END IF;
    IF p_st.status = 'SUSPENDED' THEN
        RAISE EXCEPTION 'stream table % is suspended; resume it with pgtrickle.resume_stream_table(%) first',
            pgtrickle._display_name(p_st), quote_literal(pgtrickle._display_name(p_st))
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF p_st.status = 'ERROR' THEN
        RAISE EXCEPTION 'stream table % is in ERROR: %', pgtrickle._display_name(p_st), p_st.last_error_message
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'change its definition or refresh mode with pgtrickle.alter_stream_table';
    END IF;
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
    PERFORM pgtrickle._alert('refresh_failed',
                             jsonb_build_object('stream_table', pgtrickle._display_name(st), 'action', p_action,
                                                'error', left(p_message, 2000), 'consecutive_errors', st.consecutive_errors,
                                                'refresh_id', v_refresh_id))
       FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_id = p_pgt_id;
    RETURN v_refresh_id;
END $$;

-- Synchronously refreshes a stream table in the caller's session (waits for a concurrent
-- refresh of the same table to finish first).
CREATE OR REPLACE FUNCTION pgtrickle.refresh_stream_table(name text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    v_safe boolean := pgtrickle._safe_search_path();
    v_st pgtrickle.pgt_stream_tables := pgtrickle._find(refresh_stream_table.name);
BEGIN
    PERFORM pgtrickle._check_may_change(v_st);
    PERFORM pgtrickle._refresh(v_st.pgt_id, 'MANUAL', true);
END $$;

-- The statement templates above may have changed: rebuild every cached one on next use.
UPDATE pgtrickle.pgt_stream_tables SET refresh_statements = NULL WHERE refresh_statements IS NOT NULL;
