-- What each table source looked like when a stream table last resolved its query against it,
-- so an ALTER TABLE (or a rename) of the source is noticed.
ALTER TABLE pgtrickle.pgt_dependencies ADD COLUMN source_signature text;
