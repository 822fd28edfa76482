-- The transaction bound of a buffer's last trim: every row of a transaction below it is gone,
-- so a trim whose bound has not passed it has nothing to delete and skips its scan.
ALTER TABLE pgtrickle.pgt_change_tracking ADD COLUMN trimmed_below bigint;
