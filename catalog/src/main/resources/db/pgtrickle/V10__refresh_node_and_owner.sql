-- Which Trickle node ran each refresh: nodes name themselves in the session setting
-- pgtrickle.node (their cluster address); refreshes run elsewhere (psql, the CLI) leave it empty.
ALTER TABLE pgtrickle.pgt_refresh_history
    ADD COLUMN node text DEFAULT nullif(current_setting('pgtrickle.node', true), '');

-- The role that created each stream table: it and its members may alter, refresh and drop it
-- (besides the catalog owner). NULL for stream tables created before owners were recorded.
ALTER TABLE pgtrickle.pgt_stream_tables ADD COLUMN owner_role oid;
