-- The stream table's refresh statements with placeholders for what changes per refresh,
-- built from its storage columns and program; rebuilt when either (or its buffer) changes.
ALTER TABLE pgtrickle.pgt_stream_tables ADD COLUMN refresh_statements jsonb;
