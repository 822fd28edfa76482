-- Sinks: where a stream table's refresh deltas are delivered beyond PostgreSQL (the DuckLake
-- sink). A sink reads the stream table's own change buffer, in which every row now carries the
-- id of the refresh that wrote it; the buffer keeps rows until the sink has delivered them.

CREATE TABLE pgtrickle.pgt_sinks (
    pgt_id               bigint PRIMARY KEY REFERENCES pgtrickle.pgt_stream_tables (pgt_id) ON DELETE CASCADE,
    sink_type            text NOT NULL CHECK (sink_type IN ('ducklake')),
    -- Where data files go: s3://bucket/prefix/ or file:///directory/ (always ending in '/').
    sink_path            text NOT NULL CHECK (sink_path ~ '^(s3://[^/]+/|file:///).*/$'),
    -- append: the DuckLake table is the change log; mirror: it equals the stream table.
    sink_mode            text NOT NULL CHECK (sink_mode IN ('append', 'mirror')),
    -- The PostgreSQL schema holding the DuckLake catalog tables.
    catalog_schema       text NOT NULL,
    -- The DuckLake table receiving the deltas, once the sink has registered it.
    ducklake_table_id    bigint,
    -- The sink frontier: every refresh up to this id has been delivered.
    delivered_refresh_id bigint NOT NULL DEFAULT 0,
    delivered_at         timestamptz,
    consecutive_errors   integer NOT NULL DEFAULT 0,
    last_error           text,
    last_error_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now()
);

-- The rows of a mirror-mode DuckLake table's data files: each position's stream table row and
-- whether it is still live. A delta deleting a row names its position in a delete file, which
-- lists every dead position of that data file.
CREATE TABLE pgtrickle.pgt_sink_row_positions (
    pgt_id        bigint NOT NULL REFERENCES pgtrickle.pgt_sinks (pgt_id) ON DELETE CASCADE,
    data_file_id  bigint NOT NULL,
    file_position bigint NOT NULL,
    row_id        bigint NOT NULL,
    live          boolean NOT NULL DEFAULT true,
    PRIMARY KEY (pgt_id, data_file_id, file_position)
);
CREATE UNIQUE INDEX pgt_sink_row_positions_live_idx ON pgtrickle.pgt_sink_row_positions (pgt_id, row_id) WHERE live;

-- A refresh is delivered at most once.
DROP INDEX pgtrickle.pgt_ducklake_provenance_pgt_idx;
CREATE UNIQUE INDEX pgt_ducklake_provenance_refresh_idx ON pgtrickle.pgt_ducklake_provenance (pgt_id, refresh_id);
ALTER TABLE pgtrickle.pgt_ducklake_provenance
    ADD COLUMN ducklake_table_id bigint,
    ADD COLUMN rows_inserted bigint NOT NULL DEFAULT 0,
    ADD COLUMN rows_deleted bigint NOT NULL DEFAULT 0,
    ADD COLUMN file_size_bytes bigint;

-- Stream tables' own buffers tag each row with its refresh.
DO $$
DECLARE
    v_buffer regclass;
BEGIN
    FOR v_buffer IN
        SELECT to_regclass(format('pgtrickle_changes.%I', 'changes_' || source_relid))
          FROM pgtrickle.pgt_change_tracking WHERE source_type = 'STREAM_TABLE'
    LOOP
        IF v_buffer IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %s ADD COLUMN IF NOT EXISTS __pgt_refresh_id bigint', v_buffer);
        END IF;
    END LOOP;
END $$;

-- A sink's lag is read from the history of refreshes after its frontier.
CREATE INDEX pgt_refresh_history_refresh_idx ON pgtrickle.pgt_refresh_history (pgt_id, refresh_id);
