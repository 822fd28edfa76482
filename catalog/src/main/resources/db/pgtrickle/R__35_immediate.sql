-- IMMEDIATE mode: a stream table kept current inside the transaction that writes its sources
-- (pg_ivm's model). Each captured source of an IMMEDIATE stream table carries a statement-level
-- AFTER trigger, pgtrickle_ivm, which fires after the capture triggers (triggers fire in name
-- order) and runs the stream table's refresh in the writing statement. The capture triggers
-- have just copied the statement's transition tables into the change buffer, so the refresh
-- consumes exactly that statement's changes (the transaction's own, found by command id) plus
-- committed ones it has not yet seen, with the same differential program as a scheduled refresh.
--
-- Concurrent writers are serialized by the stream table's refresh lock, held until the writer
-- commits. At READ COMMITTED the second writer then sees the first one's committed result; at
-- REPEATABLE READ and SERIALIZABLE its snapshot cannot, and its refresh fails with a
-- serialization failure (SQLSTATE 40001) for the writer to retry, as PostgreSQL does for any
-- concurrent update.

-- The trigger function: refreshes, in id order (so concurrent writers take the refresh locks in
-- one order), every IMMEDIATE stream table reading the source named by the trigger argument.
-- Runs as the catalog's owner, so writers need no rights on the stream table's storage.
CREATE OR REPLACE FUNCTION pgtrickle._refresh_immediate()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_pgt_id bigint;
BEGIN
    FOR v_pgt_id IN
        SELECT st.pgt_id
          FROM pgtrickle.pgt_stream_tables st
          JOIN pgtrickle.pgt_dependencies d ON d.pgt_id = st.pgt_id
         WHERE d.source_relid = TG_ARGV[0]::oid AND st.refresh_mode = 'IMMEDIATE'
           AND st.status IN ('INITIALIZING', 'ACTIVE')
         ORDER BY st.pgt_id
    LOOP
        PERFORM pgtrickle._refresh(v_pgt_id, 'IMMEDIATE', true);
    END LOOP;
    RETURN NULL;
END $$;

-- Installs the pgtrickle_ivm trigger on a source (and its partitions) while an IMMEDIATE stream
-- table reads it, and removes it otherwise.
CREATE OR REPLACE FUNCTION pgtrickle._sync_immediate(p_source oid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_wanted boolean := EXISTS (
        SELECT 1 FROM pgtrickle.pgt_dependencies d JOIN pgtrickle.pgt_stream_tables st ON st.pgt_id = d.pgt_id
         WHERE d.source_relid = p_source AND d.source_type IN ('TABLE', 'STREAM_TABLE') AND st.refresh_mode = 'IMMEDIATE');
    v_target regclass;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = p_source) THEN
        RETURN;
    END IF;
    FOR v_target IN SELECT * FROM pgtrickle._capture_targets(p_source) LOOP
        IF v_wanted THEN
            PERFORM pgtrickle._ensure_trigger(v_target, 'pgtrickle_ivm', format(
                'AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION pgtrickle._refresh_immediate(%L)',
                v_target, p_source));
        ELSE
            -- One that must stay (the role does not own the table) refreshes nothing.
            PERFORM pgtrickle._drop_trigger(v_target, 'pgtrickle_ivm');
        END IF;
    END LOOP;
END $$;
