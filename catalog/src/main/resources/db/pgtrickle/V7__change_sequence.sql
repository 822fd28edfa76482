-- A transaction's own changes were told apart by the cmin of their buffer rows, but a
-- concurrent transaction that deletes a buffer row (trimming) overwrites that field even when
-- it then rolls back. Every captured statement now stamps its rows with a number from this
-- sequence (increasing within a session, which is all a transaction needs), and a frontier
-- records the number its refresh drew.
CREATE SEQUENCE pgtrickle.change_seq CACHE 32;
ALTER TABLE pgtrickle.pgt_stream_tables ALTER COLUMN frontier_cid TYPE bigint;
COMMENT ON COLUMN pgtrickle.pgt_stream_tables.frontier_cid IS
    'change_seq number drawn by the refresh: the refreshing transaction''s own buffer rows stamped below it are included';
