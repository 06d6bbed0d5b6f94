-- The scratch database of one sync (snapshot.Scratch): what a sync works with while it runs (its
-- local changes, the agreed state it builds, the scan's new and missing items, the logs it lays
-- out), so that a sync of a million new items keeps them on disk rather than on the heap. It is
-- a file of its own beside the snapshot, attached to the snapshot's connection as "scratch",
-- created empty with these tables when a sync starts and deleted when it ends; what a crashed
-- sync left there means nothing. Not versioned: no build ever reads another's scratch.
--
-- An entry is stored in the seven columns of the snapshot's items table: item, version, path_key,
-- stat_size, stat_mtime, stat_inode, file_mode (a NULL item: no entry). Tables with large rows keep their
-- rowid, so that rows are appended and only a small index is keyed by item id.

-- Local changes not yet in the store (engine.internal.LocalChanges): the item as the store has
-- it (before_*; NULL when the store does not have it) and as it is here (after_*; NULL when
-- deleted here).
CREATE TABLE scratch.pending (
  item_id           TEXT NOT NULL UNIQUE,
  -- the order the changes are sent in: rank, then order_key (UTF-16BE, so that it sorts as Java
  -- compares strings), then put_order (when the change was last put)
  rank              INTEGER NOT NULL,
  order_key         BLOB NOT NULL,
  put_order         INTEGER NOT NULL,
  before_item       BLOB,
  before_version    BLOB,
  before_path_key   TEXT,
  before_stat_size  INTEGER,
  before_stat_mtime INTEGER,
  before_stat_inode INTEGER,
  before_file_mode  INTEGER,
  after_item        BLOB,
  after_version     BLOB,
  after_path_key    TEXT,
  after_stat_size   INTEGER,
  after_stat_mtime  INTEGER,
  after_stat_inode  INTEGER,
  after_file_mode   INTEGER
);

CREATE INDEX scratch.pending_in_order ON pending (rank, order_key, put_order);

-- Which local change leaves its item at a path key (the last one put there).
CREATE TABLE scratch.pending_paths (
  path_key TEXT PRIMARY KEY,
  item_id  TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX scratch.pending_paths_by_item ON pending_paths (item_id);

-- The agreed state's changes since the snapshot (engine.internal.WorkingState): an item's new
-- entry, in the layout of the items table, or all NULL when it was removed.
CREATE TABLE scratch.working (
  item_id    TEXT NOT NULL UNIQUE,
  kind       INTEGER,
  path       TEXT,
  path_key   TEXT,
  version    BLOB,
  stat_size  INTEGER,
  stat_mtime INTEGER,
  stat_inode INTEGER,
  file_mode  INTEGER,
  item       BLOB
);

-- Which item holds a path key in the agreed state, where that changed (NULL: none).
CREATE TABLE scratch.working_paths (
  path_key TEXT PRIMARY KEY,
  item_id  TEXT
) WITHOUT ROWID;

-- Items the scan found without an entry in the snapshot, in the order found; scan_key is the
-- path key, or 'uid:' and the UID for records.
CREATE TABLE scratch.scan_new (
  seq        INTEGER PRIMARY KEY,
  scan_key   TEXT NOT NULL UNIQUE,
  item       BLOB NOT NULL,
  version    BLOB NOT NULL,
  path_key   TEXT,
  stat_size  INTEGER,
  stat_mtime INTEGER,
  stat_inode INTEGER,
  file_mode  INTEGER
);

-- Snapshot items the scan did not find, in the snapshot's order; a new item with the version of
-- a movable one takes it (polled) and is a move of it (moved).
CREATE TABLE scratch.scan_missing (
  seq     INTEGER PRIMARY KEY,
  item_id TEXT NOT NULL,
  kind    INTEGER NOT NULL,
  version BLOB NOT NULL,
  movable INTEGER NOT NULL,
  polled  INTEGER NOT NULL DEFAULT 0,
  moved   INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX scratch.scan_missing_movable ON scan_missing (version, seq) WHERE movable = 1 AND polled = 0;

-- The changes of one push attempt, sorted (position) and then laid out in the order they are
-- sent (out_seq): a change that frees a path before the change that takes it.
CREATE TABLE scratch.outgoing (
  position   INTEGER PRIMARY KEY,
  change     BLOB NOT NULL,
  -- the item the change is of (one change per item): once its log lands, the item's row in
  -- pending is read and dropped by it
  item_id    TEXT NOT NULL,
  -- the path key the change leaves its item at (NULL: a delete or a record)
  target_key TEXT,
  -- the path key the change frees (NULL: none)
  frees_key  TEXT,
  out_seq    INTEGER
);

CREATE INDEX scratch.outgoing_freeing ON outgoing (frees_key, position) WHERE frees_key IS NOT NULL;
CREATE UNIQUE INDEX scratch.outgoing_in_order ON outgoing (out_seq) WHERE out_seq IS NOT NULL;
