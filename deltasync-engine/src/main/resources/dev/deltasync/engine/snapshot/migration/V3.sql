-- Snapshot schema, version 3: the mode of each file item in a column of its own, a copy of what
-- the item says, so that a scan can tell an unchanged file from the row alone (path, stat cache
-- and executable bit) without decoding the item. NULL for other kinds. Existing rows are filled
-- in by the migration (SchemaMigrations), which decodes their items once.
ALTER TABLE items ADD COLUMN file_mode INTEGER;
