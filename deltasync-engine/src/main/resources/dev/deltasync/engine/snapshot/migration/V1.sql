-- Snapshot schema, version 1: what a device last agreed with the store for one collection.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE items (
  item_id     TEXT PRIMARY KEY,
  kind        INTEGER NOT NULL,
  -- files, directories, symlinks: the path as stored in the format; NULL for records
  path        TEXT,
  -- the path as the local file system compares names (NFC, case-folded where names are
  -- case-insensitive); what lookups by path use
  path_key    TEXT,
  -- the item version: SHA-256 over the item's content and metadata
  version     BLOB NOT NULL,
  -- stat cache: what the source saw when it last read the item (NULL: never read here)
  stat_size   INTEGER,
  stat_mtime  INTEGER,
  stat_inode  INTEGER,
  -- the whole item in the universal format (protobuf Item)
  item        BLOB NOT NULL
) WITHOUT ROWID;

CREATE UNIQUE INDEX items_by_path ON items (path_key) WHERE path_key IS NOT NULL;
CREATE INDEX items_by_version ON items (version);
