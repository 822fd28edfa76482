-- Why a refresh did not use the stream table's own mode: a DIFFERENTIAL table refreshed FULL
-- because a source was truncated, its change ratio exceeded the limit, or its program changed.
ALTER TABLE pgtrickle.pgt_refresh_history ADD COLUMN reason text;
