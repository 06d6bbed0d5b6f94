-- Snapshot schema, version 3: the mode of each file item in a column of its own, a copy of what
-- the item says, so that a scan can tell an unchanged file from the row alone (path, stat cache
-- and executable bit) without decoding the item. NULL for other kinds. Existing rows are filled
-- in by the migration (SchemaMigrations), which decodes their items once.
ALTER TABLE items ADD COLUMN file_mode INTEGER;

-- Which database this is: a random id, never changed. A stat index read ahead of a sync through
-- another connection (StatIndexAhead) is taken only for the same database at the same commit count.
INSERT OR IGNORE INTO meta (key, value) VALUES ('snapshot-id', randomblob(16));
