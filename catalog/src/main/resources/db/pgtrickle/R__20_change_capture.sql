-- Change capture (CDC): one buffer per source in pgtrickle_changes, filled by statement-level
-- AFTER triggers that read the statement's transition tables. Each buffer row carries the
-- writing transaction's xid (as bigint), the statement's number from pgtrickle.change_seq
-- (__pgt_seq: orders a transaction's own changes against its refreshes) and an operation:
-- 'I' insert image, 'D' delete image (an UPDATE writes both), 'T' truncate marker.
--
-- Buffers have no index: they are trimmed after every refresh, so they hold about one delta
-- and a scan costs what the delta costs, while an index would be paid on every captured row
-- (a BRIN index on the xid cut bulk-insert throughput from 0.65 to 0.48 of an uncaptured table).

CREATE OR REPLACE FUNCTION pgtrickle._xid(p_xid xid8)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT p_xid::text::bigint
$$;

-- The change buffer of a source (base table or stream table), or NULL if it has none.
CREATE OR REPLACE FUNCTION pgtrickle._buffer(p_source oid)
RETURNS regclass
LANGUAGE sql STABLE AS $$
    SELECT to_regclass(format('pgtrickle_changes.%I', 'changes_' || p_source))
$$;

-- Column definitions ("name type [COLLATE c]") of a relation's live columns, in order.
CREATE OR REPLACE FUNCTION pgtrickle._column_definitions(p_relid oid, p_columns text[])
RETURNS TABLE (column_name name, definition text)
LANGUAGE sql STABLE AS $$
    SELECT a.attname,
           format('%I %s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                       THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END)
      FROM pg_attribute a
      JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = p_relid AND a.attnum > 0 AND NOT a.attisdropped
       AND (p_columns IS NULL OR a.attname = ANY (p_columns))
     ORDER BY a.attnum
$$;

-- Creates the buffer table if missing and adds any columns it lacks. A stream table's buffer
-- (p_with_row_id) also holds each row's identity and the id of the refresh that wrote it.
CREATE OR REPLACE FUNCTION pgtrickle._ensure_buffer_table(p_source oid, p_columns text[], p_with_row_id boolean)
RETURNS regclass
LANGUAGE plpgsql AS $$
DECLARE
    v_name text := 'changes_' || p_source;
    v_buffer regclass := pgtrickle._buffer(p_source);
    v_column record;
BEGIN
    IF v_buffer IS NULL THEN
        EXECUTE format('CREATE TABLE pgtrickle_changes.%I (__pgt_xid bigint NOT NULL, __pgt_seq bigint, __pgt_op "char" NOT NULL%s)',
                       v_name, CASE WHEN p_with_row_id THEN ', __pgt_row_id bigint, __pgt_refresh_id bigint' ELSE '' END);
        v_buffer := pgtrickle._buffer(p_source);
    END IF;
    -- Buffers created before change_seq existed.
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = v_buffer AND attname = '__pgt_seq' AND NOT attisdropped) THEN
        EXECUTE format('ALTER TABLE %s ADD COLUMN __pgt_seq bigint', v_buffer);
    END IF;
    -- TRUNCATE markers are rare: this index finds them without scanning the buffer. (Checked
    -- first: IF NOT EXISTS would tell every further stream table on the source that it exists.)
    IF to_regclass(format('pgtrickle_changes.%I', v_name || '_truncations')) IS NULL THEN
        EXECUTE format('CREATE INDEX %I ON %s (__pgt_xid) WHERE __pgt_op = %L', v_name || '_truncations', v_buffer, 'T');
    END IF;
    FOR v_column IN
        SELECT c.column_name, c.definition FROM pgtrickle._column_definitions(p_source, p_columns) c
         WHERE NOT EXISTS (SELECT 1 FROM pg_attribute b
                            WHERE b.attrelid = v_buffer AND b.attname = c.column_name AND NOT b.attisdropped)
    LOOP
        EXECUTE format('ALTER TABLE %s ADD COLUMN %s', v_buffer, v_column.definition);
    END LOOP;
    RETURN v_buffer;
END $$;

-- The source columns a buffer holds, as a comma-prefixed list of quoted names (or '').
CREATE OR REPLACE FUNCTION pgtrickle._buffer_columns(p_buffer regclass)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(', ' || quote_ident(attname), '' ORDER BY attnum), '')
      FROM pg_attribute
     WHERE attrelid = p_buffer AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\_\_pgt\_%'
$$;

-- The relation itself and, for a partitioned table, every partition: statement triggers on a
-- partitioned table fire only for statements naming it, so DML aimed directly at a partition
-- is captured by the partition's own triggers.
CREATE OR REPLACE FUNCTION pgtrickle._capture_targets(p_source oid)
RETURNS SETOF regclass
LANGUAGE sql STABLE AS $$
    SELECT p_source::regclass
    UNION
    SELECT t.relid FROM pg_partition_tree(p_source) t
      JOIN pg_class c ON c.oid = t.relid
     WHERE c.relkind IN ('r', 'p')
$$;

-- Creates a trigger unless the table has one of that name already. A role with the TRIGGER
-- privilege on a table may create triggers on it but may not replace or drop them (only its
-- owner may), so Trickle's triggers call functions it owns and changes those instead.
CREATE OR REPLACE FUNCTION pgtrickle._ensure_trigger(p_target regclass, p_name text, p_definition text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = p_target AND tgname = p_name) THEN
        EXECUTE format('CREATE TRIGGER %I %s', p_name, p_definition);
    END IF;
END $$;

-- Drops a trigger when there is one and the current role may (it acts for the table's owner);
-- returns false when a trigger had to stay.
CREATE OR REPLACE FUNCTION pgtrickle._drop_trigger(p_target regclass, p_name text)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = p_target AND tgname = p_name) THEN
        RETURN true;
    END IF;
    IF NOT pg_has_role((SELECT relowner FROM pg_class WHERE oid = p_target), 'USAGE') THEN
        RETURN false;
    END IF;
    EXECUTE format('DROP TRIGGER %I ON %s', p_name, p_target);
    RETURN true;
END $$;

-- Installs (or widens) change capture for a base table: the buffer holds the union of the
-- columns its consumers read (every column if any consumer reads whole rows).
CREATE OR REPLACE FUNCTION pgtrickle._ensure_capture(p_source oid)
RETURNS void
LANGUAGE plpgsql AS $ensure$
DECLARE
    v_columns text[];
    v_buffer regclass;
    v_function text := 'capture_' || p_source;
    v_cols text;
    v_target regclass;
BEGIN
    SELECT CASE WHEN bool_or(d.columns_used IS NULL) THEN NULL
                ELSE coalesce(array_agg(DISTINCT c.name) FILTER (WHERE c.name IS NOT NULL), ARRAY[]::text[]) END
      INTO v_columns
      FROM pgtrickle.pgt_dependencies d
      LEFT JOIN LATERAL unnest(d.columns_used) AS c(name) ON true
     WHERE d.source_relid = p_source;
    -- Key columns are captured too: the differential engine identifies rows by them.
    IF v_columns IS NOT NULL THEN
        v_columns := array(SELECT DISTINCT unnest(v_columns || pgtrickle._key_columns(p_source)));
    END IF;
    v_buffer := pgtrickle._ensure_buffer_table(p_source, v_columns, false);
    v_cols := pgtrickle._buffer_columns(v_buffer);
    EXECUTE format($f$
CREATE OR REPLACE FUNCTION pgtrickle_changes.%1$I() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$
DECLARE
    v_xid bigint := pg_current_xact_id()::text::bigint;
    v_seq bigint := nextval('pgtrickle.change_seq');
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO %2$s (__pgt_xid, __pgt_seq, __pgt_op%3$s) SELECT v_xid, v_seq, 'I'%3$s FROM __pgt_new;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO %2$s (__pgt_xid, __pgt_seq, __pgt_op%3$s)
        SELECT v_xid, v_seq, 'D'%3$s FROM __pgt_old UNION ALL SELECT v_xid, v_seq, 'I'%3$s FROM __pgt_new;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO %2$s (__pgt_xid, __pgt_seq, __pgt_op%3$s) SELECT v_xid, v_seq, 'D'%3$s FROM __pgt_old;
    ELSE
        INSERT INTO %2$s (__pgt_xid, __pgt_seq, __pgt_op) VALUES (v_xid, v_seq, 'T');
    END IF;
    RETURN NULL;
END
$capture$$f$, v_function, v_buffer, v_cols);
    FOR v_target IN SELECT * FROM pgtrickle._capture_targets(p_source) LOOP
        PERFORM pgtrickle._ensure_trigger(v_target, 'pgtrickle_cdc_ins', format('AFTER INSERT ON %s REFERENCING NEW TABLE AS __pgt_new FOR EACH STATEMENT EXECUTE FUNCTION pgtrickle_changes.%I()', v_target, v_function));
        PERFORM pgtrickle._ensure_trigger(v_target, 'pgtrickle_cdc_upd', format('AFTER UPDATE ON %s REFERENCING OLD TABLE AS __pgt_old NEW TABLE AS __pgt_new FOR EACH STATEMENT EXECUTE FUNCTION pgtrickle_changes.%I()', v_target, v_function));
        PERFORM pgtrickle._ensure_trigger(v_target, 'pgtrickle_cdc_del', format('AFTER DELETE ON %s REFERENCING OLD TABLE AS __pgt_old FOR EACH STATEMENT EXECUTE FUNCTION pgtrickle_changes.%I()', v_target, v_function));
        PERFORM pgtrickle._ensure_trigger(v_target, 'pgtrickle_cdc_trunc', format('AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION pgtrickle_changes.%I()', v_target, v_function));
    END LOOP;
    INSERT INTO pgtrickle.pgt_change_tracking (source_relid, source_type, captured_columns)
    VALUES (p_source, 'TABLE', v_columns)
    ON CONFLICT (source_relid) DO UPDATE SET captured_columns = EXCLUDED.captured_columns;
END $ensure$;

-- The columns identifying a table's rows: its primary key, else the columns of its first
-- unique index whose columns are all NOT NULL; empty when there is none.
CREATE OR REPLACE FUNCTION pgtrickle._key_columns(p_relid oid)
RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce((
        SELECT array_agg(a.attname::text ORDER BY k.ordinality)
          FROM (SELECT i.indexrelid, i.indkey
                  FROM pg_index i
                 WHERE i.indrelid = p_relid AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
                   AND i.indexprs IS NULL
                   AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) c(attnum)
                                    JOIN pg_attribute a ON a.attrelid = p_relid AND a.attnum = c.attnum
                                   WHERE NOT a.attnotnull)
                 ORDER BY i.indisprimary DESC, i.indexrelid
                 LIMIT 1) i,
               unnest(i.indkey) WITH ORDINALITY k(attnum, ordinality)
          JOIN pg_attribute a ON a.attrelid = p_relid AND a.attnum = k.attnum), ARRAY[]::text[])
$$;

-- A stream table's own change buffer, written by its refreshes for downstream consumers.
CREATE OR REPLACE FUNCTION pgtrickle._ensure_stream_table_buffer(p_stream_table oid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pgtrickle._ensure_buffer_table(
        p_stream_table,
        array(SELECT attname::text FROM pg_attribute
               WHERE attrelid = p_stream_table AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\_\_pgt\_%'),
        true);
    INSERT INTO pgtrickle.pgt_change_tracking (source_relid, source_type, captured_columns)
    VALUES (p_stream_table, 'STREAM_TABLE', NULL)
    ON CONFLICT (source_relid) DO NOTHING;
END $$;

-- Removes capture from a source nobody consumes any more (no stream table reads it and, for a
-- stream table, it has no sink).
CREATE OR REPLACE FUNCTION pgtrickle._release_capture(p_source oid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_target regclass;
    v_buffer regclass := pgtrickle._buffer(p_source);
    v_dropped boolean := true;
BEGIN
    IF EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies WHERE source_relid = p_source)
       OR EXISTS (SELECT 1 FROM pgtrickle.pgt_sinks k JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = k.pgt_id
                   WHERE st.pgt_relid = p_source) THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_class WHERE oid = p_source) THEN
        FOR v_target IN SELECT * FROM pgtrickle._capture_targets(p_source) LOOP
            v_dropped := pgtrickle._drop_trigger(v_target, 'pgtrickle_cdc_ins') AND v_dropped;
            v_dropped := pgtrickle._drop_trigger(v_target, 'pgtrickle_cdc_upd') AND v_dropped;
            v_dropped := pgtrickle._drop_trigger(v_target, 'pgtrickle_cdc_del') AND v_dropped;
            v_dropped := pgtrickle._drop_trigger(v_target, 'pgtrickle_cdc_trunc') AND v_dropped;
        END LOOP;
    END IF;
    IF v_dropped THEN
        EXECUTE format('DROP FUNCTION IF EXISTS pgtrickle_changes.%I()', 'capture_' || p_source);
    ELSE
        -- Triggers only the table's owner may drop stay, calling a function that does nothing.
        EXECUTE format('CREATE OR REPLACE FUNCTION pgtrickle_changes.%I() RETURNS trigger LANGUAGE plpgsql AS '
                       '$noop$ BEGIN RETURN NULL; END $noop$', 'capture_' || p_source);
    END IF;
    IF v_buffer IS NOT NULL THEN
        EXECUTE format('DROP TABLE %s', v_buffer);
    END IF;
    DELETE FROM pgtrickle.pgt_change_tracking WHERE source_relid = p_source;
END $$;

DROP FUNCTION IF EXISTS pgtrickle._visible_sql(text, text, text, text, bigint, integer);
DROP FUNCTION IF EXISTS pgtrickle._changes_predicate(text, pg_snapshot, bigint, integer, pg_snapshot, bigint, integer);

DROP FUNCTION IF EXISTS pgtrickle._visible_sql(text, text, text, text, bigint, bigint);

-- SQL deciding whether a buffer row's transaction is visible (p_visible) or not in a snapshot
-- whose xmin, xmax and in-progress list are the given SQL literals. The snapshot's own
-- transaction (p_own_xid) is not described by the snapshot itself: its rows count as visible
-- when stamped with a change_seq number below p_own_cid (the number the refresh drew). Written
-- as ranges and equalities, which the planner estimates from the buffer's statistics (it
-- guesses half the rows for a CASE, and the negation of one).
CREATE OR REPLACE FUNCTION pgtrickle._visible_sql(
    p_alias text, p_xmin text, p_xmax text, p_xip text, p_own_xid bigint, p_own_cid bigint, p_visible boolean)
RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_xid text := quote_ident(p_alias) || '.__pgt_xid';
    v_sql text;
BEGIN
    v_sql := format(CASE WHEN p_visible THEN '(%1$s < %2$s OR (%1$s < %3$s AND %1$s <> ALL (%4$s)))'
                         ELSE '(%1$s >= %2$s AND (%1$s >= %3$s OR %1$s = ANY (%4$s)))' END,
                    v_xid, p_xmin, p_xmax, p_xip);
    IF p_own_xid IS NULL THEN
        RETURN v_sql;
    END IF;
    RETURN format('((%1$s = %2$s AND %3$I.__pgt_seq %4$s %5$s) OR (%1$s <> %2$s AND %6$s))',
                  v_xid, p_own_xid, p_alias, CASE WHEN p_visible THEN '<' ELSE '>=' END, p_own_cid, v_sql);
END $$;

-- The xmin, xmax and in-progress xids of a snapshot as SQL literals.
CREATE OR REPLACE FUNCTION pgtrickle._snapshot_literals(p_snapshot pg_snapshot, OUT xmin text, OUT xmax text, OUT xip text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT pgtrickle._xid(pg_snapshot_xmin(p_snapshot))::text,
           pgtrickle._xid(pg_snapshot_xmax(p_snapshot))::text,
           quote_literal(array(SELECT pgtrickle._xid(x) FROM pg_snapshot_xip(p_snapshot) x)::text) || '::bigint[]'
$$;

-- SQL selecting the buffer rows a refresh consumes: visible at the new frontier and not at
-- the old one. With p_to NULL the new frontier is the snapshot of the statement the SQL runs
-- in: its scans see the rows of exactly the transactions visible in it, so only the rows its
-- own transaction stamps from p_to_cid on are left out.
CREATE OR REPLACE FUNCTION pgtrickle._changes_predicate(
    p_alias text,
    p_from pg_snapshot, p_from_xid bigint, p_from_cid bigint,
    p_to pg_snapshot, p_to_xid bigint, p_to_cid bigint)
RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_from record := pgtrickle._snapshot_literals(p_from);
    v_to record;
    v_visible text;
BEGIN
    IF p_to IS NULL THEN
        v_visible := CASE WHEN p_to_xid IS NULL THEN 'true'
                          ELSE format('(%1$I.__pgt_xid <> %2$s OR %1$I.__pgt_seq < %3$s)', p_alias, p_to_xid, p_to_cid) END;
    ELSE
        v_to := pgtrickle._snapshot_literals(p_to);
        v_visible := format('%1$I.__pgt_xid < %2$s AND %3$s', p_alias, greatest(v_to.xmax::bigint, coalesce(p_to_xid + 1, 0)),
                            pgtrickle._visible_sql(p_alias, v_to.xmin, v_to.xmax, v_to.xip, p_to_xid, p_to_cid, true));
    END IF;
    RETURN format('%1$I.__pgt_xid >= %2$s AND %3$s AND %4$s', p_alias, least(v_from.xmin::bigint, p_from_xid), v_visible,
                  pgtrickle._visible_sql(p_alias, v_from.xmin, v_from.xmax, v_from.xip, p_from_xid, p_from_cid, false));
END $$;

DROP FUNCTION IF EXISTS pgtrickle._snapshot_cte();

-- The advisory-lock namespace of buffer trimming (one trimmer per buffer at a time).
CREATE OR REPLACE FUNCTION pgtrickle._trim_lock_namespace()
RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT 1414679373  -- 'TRKM'
$$;

-- Deletes buffer rows every consumer of a source has passed: rows of transactions that
-- committed before the oldest consumer frontier (and are not a consumer's own transaction)
-- and, for a stream table with a sink, rows of refreshes the sink has delivered. The bound is
-- recorded (pgt_change_tracking.trimmed_below): of the consumers refreshing one after another,
-- only the one that moves the oldest frontier on scans the buffer. Trims only
-- in a READ COMMITTED transaction that gets the buffer's trim lock at once, and returns 0
-- otherwise: two DELETEs over the same rows can deadlock (their scans may start at different
-- pages), and under REPEATABLE READ deleting a row a newer transaction deleted fails; a
-- later trim catches up.
CREATE OR REPLACE FUNCTION pgtrickle._trim_changes(p_source oid)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_buffer regclass := pgtrickle._buffer(p_source);
    v_consumers bigint;
    v_bound bigint;
    v_delivered bigint;
    v_deleted bigint;
BEGIN
    IF v_buffer IS NULL OR current_setting('transaction_isolation') <> 'read committed'
       OR NOT pg_try_advisory_xact_lock(pgtrickle._trim_lock_namespace(), (p_source::bigint % 2147483647)::integer) THEN
        RETURN 0;
    END IF;
    SELECT count(*), min(least(pgtrickle._xid(pg_snapshot_xmin(st.frontier)), st.frontier_xid))
      INTO v_consumers, v_bound
      FROM pgtrickle.pgt_dependencies d
      JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = d.pgt_id
     WHERE d.source_relid = p_source;
    SELECT k.delivered_refresh_id INTO v_delivered
      FROM pgtrickle.pgt_sinks k JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = k.pgt_id
     WHERE st.pgt_relid = p_source;
    -- A consumer that never refreshed has consumed nothing; without a sink, a bound that has
    -- not passed the last trim's leaves nothing to delete (the last consumer to move on trims).
    IF (v_consumers > 0 AND v_bound IS NULL) OR (v_consumers = 0 AND v_delivered IS NULL)
       OR (v_delivered IS NULL AND v_bound <= (SELECT t.trimmed_below FROM pgtrickle.pgt_change_tracking t
                                                WHERE t.source_relid = p_source)) THEN
        RETURN 0;
    END IF;
    EXECUTE format('DELETE FROM %s WHERE true%s%s', v_buffer,
                   CASE WHEN v_consumers > 0 THEN format(' AND __pgt_xid < %s', v_bound) ELSE '' END,
                   CASE WHEN v_delivered IS NOT NULL THEN format(' AND __pgt_refresh_id <= %s', v_delivered) ELSE '' END);
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    IF v_consumers > 0 THEN
        UPDATE pgtrickle.pgt_change_tracking SET trimmed_below = greatest(trimmed_below, v_bound)
         WHERE source_relid = p_source;
    END IF;
    RETURN v_deleted;
END $$;

-- Trims the buffers of every source of the given stream tables (see _trim_changes).
CREATE OR REPLACE FUNCTION pgtrickle._trim_sources(p_pgt_ids bigint[])
RETURNS void
LANGUAGE sql AS $$
    SELECT pgtrickle._trim_changes(s.source_relid)
      FROM (SELECT DISTINCT source_relid FROM pgtrickle.pgt_dependencies WHERE pgt_id = ANY (p_pgt_ids)) s
$$;
