-- Source DDL: an ALTER TABLE on a table a stream table reads (adding, dropping, renaming or
-- retyping a column, renaming the table) must not leave the stream table silently drifting.
-- Each dependency records the source's signature (its qualified name and its columns with
-- their types); when the signature changed, every stream table reading the source is checked:
-- one whose defining query still resolves is reinitialized (storage rebuilt when its columns
-- changed, program recompiled by a node, next refresh FULL), the others go to ERROR naming the
-- source and the cause. The source's change capture is rebuilt for its new columns, so writes
-- to it keep working either way.
--
-- An event trigger applies this as the ALTER TABLE or DROP TABLE commits, when the role
-- installing the catalog may create event triggers (superusers, or rds_superuser and the like
-- on managed services); every refresh also compares the signatures first, which covers
-- databases without the event trigger.

-- A table's signature: its qualified name, then each column's name and type, in order, and
-- whether row-level security is on (turning it on makes the stream tables reading it fail).
CREATE OR REPLACE FUNCTION pgtrickle._source_signature(p_relid oid)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT pgtrickle._qualified(p_relid) || ' (' ||
           coalesce((SELECT string_agg(format('%I %s', attname, format_type(atttypid, atttypmod)), ', ' ORDER BY attnum)
                       FROM pg_attribute WHERE attrelid = p_relid AND attnum > 0 AND NOT attisdropped), '') || ')' ||
           CASE WHEN (SELECT relrowsecurity FROM pg_class WHERE oid = p_relid) THEN ' with row-level security' ELSE '' END
$$;

-- Records the current signature of a stream table's table sources.
CREATE OR REPLACE FUNCTION pgtrickle._record_signatures(p_pgt_id bigint)
RETURNS void
LANGUAGE sql AS $$
    UPDATE pgtrickle.pgt_dependencies SET source_signature = pgtrickle._source_signature(source_relid)
     WHERE pgt_id = p_pgt_id AND source_type = 'TABLE'
$$;

-- Puts a stream table into ERROR with a reason (it keeps its rows, its sources and its
-- capture; altering its query or dropping it are the ways out).
CREATE OR REPLACE FUNCTION pgtrickle._fail_stream_table(p_pgt_id bigint, p_reason text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE pgtrickle.pgt_stream_tables
       SET status = 'ERROR', last_error_message = p_reason, consecutive_errors = consecutive_errors + 1, updated_at = now()
     WHERE pgt_id = p_pgt_id;
    PERFORM pgtrickle._notify('altered', p_pgt_id);
    PERFORM pgtrickle._alert('stream_table_error',
                             jsonb_build_object('stream_table', pgtrickle._display_name(st), 'error', left(p_reason, 2000)))
       FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_id = p_pgt_id;
END $$;

-- Reacts to a changed table source: reinitializes or fails each stream table reading it and
-- rebuilds the source's change capture. Returns how many stream tables it looked at.
CREATE OR REPLACE FUNCTION pgtrickle._source_altered(p_source oid)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_source_name text := (SELECT d.source_signature FROM pgtrickle.pgt_dependencies d
                            WHERE d.source_relid = p_source AND d.source_type = 'TABLE' LIMIT 1);
    v_st pgtrickle.pgt_stream_tables;
    v_probe regclass;
    v_count integer := 0;
    v_buffer regclass;
BEGIN
    v_source_name := split_part(coalesce(v_source_name, pgtrickle._qualified(p_source)), ' (', 1);
    FOR v_st IN
        SELECT st.* FROM pgtrickle.pgt_stream_tables st
         WHERE EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies d
                        WHERE d.pgt_id = st.pgt_id AND d.source_relid = p_source AND d.source_type = 'TABLE'
                          AND d.source_signature IS DISTINCT FROM pgtrickle._source_signature(p_source))
         ORDER BY st.pgt_id
    LOOP
        v_count := v_count + 1;
        PERFORM pg_advisory_xact_lock(pgtrickle._lock_namespace(), (v_st.pgt_id % 2147483647)::integer);
        BEGIN
            v_probe := pgtrickle._probe_query(v_st.defining_query);
            PERFORM pgtrickle._alter_query(v_st, coalesce(v_st.original_query, v_st.defining_query), v_probe);
            PERFORM pgtrickle._drop_probe(v_probe);
            UPDATE pgtrickle.pgt_stream_tables
               SET status = CASE WHEN status = 'SUSPENDED' THEN status ELSE 'INITIALIZING' END,
                   refresh_program = NULL, effective_refresh_mode = NULL, refresh_mode_reason = NULL,
                   consecutive_errors = 0, last_error_message = NULL, updated_at = now()
             WHERE pgt_id = v_st.pgt_id;
            PERFORM pgtrickle._notify('altered', v_st.pgt_id);
            PERFORM pgtrickle._alert('reinitialize_needed',
                                     jsonb_build_object('stream_table', pgtrickle._display_name(v_st), 'source_table', v_source_name));
        EXCEPTION WHEN OTHERS THEN
            PERFORM pgtrickle._fail_stream_table(v_st.pgt_id,
                format('source %s was altered and the defining query no longer works against it: %s; '
                       'change the query with pgtrickle.alter_stream_table or drop the stream table',
                       v_source_name, regexp_replace(SQLERRM, '^invalid defining query: ', '')));
            PERFORM pgtrickle._record_signatures(v_st.pgt_id);
        END;
    END LOOP;
    -- Every consumer now starts over from a full refresh, so pending changes are moot; the
    -- buffer is rebuilt with the columns the source has now.
    IF v_count > 0 THEN
        v_buffer := pgtrickle._buffer(p_source);
        IF v_buffer IS NOT NULL THEN
            EXECUTE format('DROP TABLE %s', v_buffer);
        END IF;
        IF EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies WHERE source_relid = p_source) THEN
            PERFORM pgtrickle._ensure_capture(p_source);
            PERFORM pgtrickle._sync_immediate(p_source);
        END IF;
        UPDATE pgtrickle.pgt_stream_tables st SET needs_reinit = true
         WHERE EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies d WHERE d.pgt_id = st.pgt_id AND d.source_relid = p_source);
    END IF;
    RETURN v_count;
END $$;

DROP FUNCTION IF EXISTS pgtrickle._check_sources(bigint);

-- Checks a stream table's table sources before a refresh (for databases without the event
-- trigger, or DDL it did not see); true when one had changed and was dealt with.
CREATE OR REPLACE FUNCTION pgtrickle._check_sources(p_pgt_id bigint)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_source oid;
    v_altered boolean := false;
BEGIN
    FOR v_source IN
        SELECT d.source_relid FROM pgtrickle.pgt_dependencies d
         WHERE d.pgt_id = p_pgt_id AND d.source_type = 'TABLE'
           AND d.source_signature IS DISTINCT FROM pgtrickle._source_signature(d.source_relid)
    LOOP
        PERFORM pgtrickle._source_altered(v_source);
        v_altered := true;
    END LOOP;
    RETURN v_altered;
END $$;

-- Event trigger: ALTER TABLE on a source.
CREATE OR REPLACE FUNCTION pgtrickle._on_ddl_command_end()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_source oid;
BEGIN
    FOR v_source IN
        SELECT DISTINCT c.objid FROM pg_event_trigger_ddl_commands() c
         WHERE c.classid = 'pg_class'::regclass
           AND EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies d WHERE d.source_relid = c.objid AND d.source_type = 'TABLE')
    LOOP
        PERFORM pgtrickle._source_altered(v_source);
    END LOOP;
END $$;

-- Event trigger: DROP TABLE of a source.
CREATE OR REPLACE FUNCTION pgtrickle._on_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_dropped record;
    v_pgt_id bigint;
BEGIN
    FOR v_dropped IN
        SELECT DISTINCT o.objid, o.object_identity FROM pg_event_trigger_dropped_objects() o
         WHERE o.classid = 'pg_class'::regclass AND o.objsubid = 0
           AND EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies d WHERE d.source_relid = o.objid AND d.source_type = 'TABLE')
    LOOP
        FOR v_pgt_id IN SELECT pgt_id FROM pgtrickle.pgt_dependencies WHERE source_relid = v_dropped.objid ORDER BY pgt_id LOOP
            PERFORM pgtrickle._fail_stream_table(v_pgt_id,
                format('source %s was dropped; drop the stream table or give it a query over existing tables',
                       v_dropped.object_identity));
        END LOOP;
        EXECUTE format('DROP TABLE IF EXISTS pgtrickle_changes.%I', 'changes_' || v_dropped.objid);
        EXECUTE format('DROP FUNCTION IF EXISTS pgtrickle_changes.%I()', 'capture_' || v_dropped.objid);
        DELETE FROM pgtrickle.pgt_change_tracking WHERE source_relid = v_dropped.objid;
    END LOOP;
END $$;

DO $$
BEGIN
    DROP EVENT TRIGGER IF EXISTS pgtrickle_source_ddl;
    DROP EVENT TRIGGER IF EXISTS pgtrickle_source_drop;
    CREATE EVENT TRIGGER pgtrickle_source_ddl ON ddl_command_end
        WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION pgtrickle._on_ddl_command_end();
    CREATE EVENT TRIGGER pgtrickle_source_drop ON sql_drop
        WHEN TAG IN ('DROP TABLE') EXECUTE FUNCTION pgtrickle._on_sql_drop();
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'pgtrickle: no right to create event triggers; source DDL is detected by the next refresh';
END $$;

UPDATE pgtrickle.pgt_dependencies SET source_signature = pgtrickle._source_signature(source_relid)
 WHERE source_signature IS NULL AND source_type = 'TABLE' AND EXISTS (SELECT 1 FROM pg_class WHERE oid = source_relid);
