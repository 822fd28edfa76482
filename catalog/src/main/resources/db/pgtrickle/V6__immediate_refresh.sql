-- IMMEDIATE stream tables are refreshed inside the statements that write their sources; their
-- refresh history says so.
ALTER TABLE pgtrickle.pgt_refresh_history DROP CONSTRAINT pgt_refresh_history_initiated_by_check;
ALTER TABLE pgtrickle.pgt_refresh_history ADD CONSTRAINT pgt_refresh_history_initiated_by_check
    CHECK (initiated_by IN ('SCHEDULER', 'MANUAL', 'INITIAL', 'IMMEDIATE'));
