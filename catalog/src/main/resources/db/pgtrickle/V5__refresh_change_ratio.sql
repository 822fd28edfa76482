-- The largest share of a source's rows a refresh's changes touched, so AUTO's cost model and
-- refresh_efficiency() can relate refresh times to how much changed.
ALTER TABLE pgtrickle.pgt_refresh_history ADD COLUMN change_ratio numeric;
