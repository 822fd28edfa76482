-- Trickle catalog, version 1: the tables that hold every stream table's definition, state
-- and history. Functions live in the repeatable R__ scripts so that they can evolve.

CREATE SCHEMA IF NOT EXISTS pgtrickle_changes;
COMMENT ON SCHEMA pgtrickle_changes IS
    'Trickle change buffers: one table per captured source, filled by statement-level triggers';

CREATE TABLE pgtrickle.pgt_stream_tables (
    pgt_id                 bigserial PRIMARY KEY,
    pgt_relid              oid NOT NULL UNIQUE,
    pgt_name               text NOT NULL,
    pgt_schema             text NOT NULL,
    -- The query as PostgreSQL deparses it (schema-qualified, independent of search_path);
    -- original_query is the text the user gave.
    defining_query         text NOT NULL,
    original_query         text,
    schedule               text NOT NULL DEFAULT 'calculated',
    refresh_mode           text NOT NULL DEFAULT 'AUTO'
        CHECK (refresh_mode IN ('AUTO', 'FULL', 'DIFFERENTIAL', 'IMMEDIATE')),
    effective_refresh_mode text
        CHECK (effective_refresh_mode IN ('FULL', 'DIFFERENTIAL', 'IMMEDIATE')),
    refresh_mode_reason    text,
    status                 text NOT NULL DEFAULT 'INITIALIZING'
        CHECK (status IN ('INITIALIZING', 'ACTIVE', 'SUSPENDED', 'ERROR')),
    is_populated           boolean NOT NULL DEFAULT false,
    -- Set when the definition or the row identity changed: the next refresh rebuilds.
    needs_reinit           boolean NOT NULL DEFAULT false,
    -- The frontier: the snapshot whose committed changes the table reflects, plus the
    -- refreshing transaction's own xid and the command id up to which its own changes
    -- were included (a transaction's own xid is not described by its snapshot).
    frontier               pg_snapshot,
    frontier_xid           bigint,
    frontier_cid           integer,
    data_timestamp         timestamptz,
    last_refresh_at        timestamptz,
    consecutive_errors     integer NOT NULL DEFAULT 0,
    last_error_message     text,
    diamond_consistency    text NOT NULL DEFAULT 'none'
        CHECK (diamond_consistency IN ('none', 'atomic')),
    refresh_program        jsonb,
    program_version        integer NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pgt_schema, pgt_name)
);
CREATE INDEX pgt_stream_tables_status_idx ON pgtrickle.pgt_stream_tables (status);

CREATE TABLE pgtrickle.pgt_dependencies (
    pgt_id       bigint NOT NULL REFERENCES pgtrickle.pgt_stream_tables (pgt_id) ON DELETE CASCADE,
    source_relid oid NOT NULL,
    source_type  text NOT NULL
        CHECK (source_type IN ('TABLE', 'STREAM_TABLE', 'VIEW', 'MATVIEW', 'FOREIGN_TABLE')),
    -- Column names the defining query reads; NULL when it reads whole rows.
    columns_used text[],
    PRIMARY KEY (pgt_id, source_relid)
);
CREATE INDEX pgt_dependencies_source_idx ON pgtrickle.pgt_dependencies (source_relid);

CREATE TABLE pgtrickle.pgt_change_tracking (
    source_relid      oid PRIMARY KEY,
    source_type       text NOT NULL CHECK (source_type IN ('TABLE', 'STREAM_TABLE')),
    -- Columns copied into the buffer; NULL means every column.
    captured_columns  text[],
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pgtrickle.pgt_refresh_history (
    refresh_id       bigserial PRIMARY KEY,
    pgt_id           bigint NOT NULL REFERENCES pgtrickle.pgt_stream_tables (pgt_id) ON DELETE CASCADE,
    data_timestamp   timestamptz,
    start_time       timestamptz NOT NULL,
    end_time         timestamptz,
    action           text NOT NULL
        CHECK (action IN ('NO_DATA', 'FULL', 'DIFFERENTIAL', 'REINITIALIZE', 'SKIP')),
    rows_inserted    bigint NOT NULL DEFAULT 0,
    rows_updated     bigint NOT NULL DEFAULT 0,
    rows_deleted     bigint NOT NULL DEFAULT 0,
    delta_row_count  bigint NOT NULL DEFAULT 0,
    status           text NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED', 'SKIPPED')),
    error_message    text,
    initiated_by     text CHECK (initiated_by IN ('SCHEDULER', 'MANUAL', 'INITIAL')),
    -- The range of changes this refresh consumed: (frontier_from, frontier_to].
    frontier_from    pg_snapshot,
    frontier_to      pg_snapshot
);
CREATE INDEX pgt_refresh_history_pgt_idx ON pgtrickle.pgt_refresh_history (pgt_id, start_time);

CREATE TABLE pgtrickle.pgt_ducklake_provenance (
    provenance_id        bigserial PRIMARY KEY,
    pgt_id               bigint NOT NULL,
    stream_table_name    text NOT NULL,
    refresh_id           bigint,
    ducklake_snapshot_id bigint,
    delta_row_count      bigint NOT NULL DEFAULT 0,
    file_path            text,
    written_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pgt_ducklake_provenance_pgt_idx ON pgtrickle.pgt_ducklake_provenance (pgt_id, refresh_id);
