-- Monitoring: status of every stream table and the dependency tree.

-- One row per stream table. The first eight columns are pg_trickle's; the rest are Trickle's.
-- The sink columns show a sink's lag: refreshes (and their delta rows) committed but not yet
-- delivered, and its last delivery error; they are NULL for a stream table without a sink.
DROP FUNCTION IF EXISTS pgtrickle.pgt_status();
CREATE FUNCTION pgtrickle.pgt_status()
RETURNS TABLE (
    name                   text,
    status                 text,
    refresh_mode           text,
    is_populated           boolean,
    consecutive_errors     integer,
    schedule               text,
    data_timestamp         timestamptz,
    staleness              interval,
    effective_refresh_mode text,
    last_refresh_at        timestamptz,
    last_error_message     text,
    sink                   text,
    sink_pending_refreshes bigint,
    sink_pending_rows      bigint,
    sink_last_error        text)
LANGUAGE sql STABLE AS $$
    SELECT pgtrickle._display_name(st), st.status, st.refresh_mode, st.is_populated, st.consecutive_errors,
           st.schedule, st.data_timestamp, clock_timestamp() - st.data_timestamp,
           st.effective_refresh_mode, st.last_refresh_at, st.last_error_message,
           k.sink, k.pending_refreshes, k.pending_rows, k.last_error
      FROM pgtrickle.pgt_stream_tables st
      LEFT JOIN pgtrickle.sink_status() k ON k.name = pgtrickle._display_name(st)
     ORDER BY st.pgt_schema, st.pgt_name
$$;

-- The rows of one subtree of dependency_tree(): a node, then its sources indented below it.
CREATE OR REPLACE FUNCTION pgtrickle._tree_rows(p_relid oid, p_line_prefix text, p_child_prefix text, p_depth integer)
RETURNS TABLE (tree_line text, node text, node_type text, depth integer, status text, refresh_mode text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_st pgtrickle.pgt_stream_tables;
    v_sources oid[];
    v_index integer;
    v_last boolean;
BEGIN
    SELECT * INTO v_st FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_relid = p_relid;
    IF v_st.pgt_id IS NULL THEN
        RETURN QUERY SELECT p_line_prefix || format('%I.%I', n.nspname, c.relname) || ' [src]',
                            format('%I.%I', n.nspname, c.relname), 'source_table'::text, p_depth, NULL::text, NULL::text
                       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE c.oid = p_relid;
        RETURN;
    END IF;
    RETURN QUERY SELECT p_line_prefix || pgtrickle._display_name(v_st), pgtrickle._display_name(v_st),
                        'stream_table'::text, p_depth, v_st.status,
                        coalesce(v_st.effective_refresh_mode, v_st.refresh_mode);
    IF p_depth >= 64 THEN
        RETURN;
    END IF;
    v_sources := array(SELECT d.source_relid FROM pgtrickle.pgt_dependencies d
                        WHERE d.pgt_id = v_st.pgt_id AND d.source_type <> 'VIEW'
                        ORDER BY d.source_relid::regclass::text);
    FOR v_index IN 1 .. coalesce(array_length(v_sources, 1), 0) LOOP
        v_last := v_index = array_length(v_sources, 1);
        RETURN QUERY SELECT * FROM pgtrickle._tree_rows(
            v_sources[v_index],
            p_child_prefix || CASE WHEN v_last THEN '└── ' ELSE '├── ' END,
            p_child_prefix || CASE WHEN v_last THEN '    ' ELSE '│   ' END,
            p_depth + 1);
    END LOOP;
END $$;

-- Every stream table dependency as an indented tree: stream tables nothing reads are roots,
-- each followed by the stream tables and source tables ([src]) it reads.
CREATE OR REPLACE FUNCTION pgtrickle.dependency_tree()
RETURNS TABLE (tree_line text, node text, node_type text, depth integer, status text, refresh_mode text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_root oid;
BEGIN
    FOR v_root IN
        SELECT st.pgt_relid FROM pgtrickle.pgt_stream_tables st
         WHERE NOT EXISTS (SELECT 1 FROM pgtrickle.pgt_dependencies d WHERE d.source_relid = st.pgt_relid)
         ORDER BY st.pgt_schema, st.pgt_name
    LOOP
        RETURN QUERY SELECT * FROM pgtrickle._tree_rows(v_root, '', '', 0);
    END LOOP;
END $$;
