-- Snapshot schema, version 2: the journal of remote changes a sync may have written locally
-- before its commit. Before a sync applies a pulled log it records here, durably, the state every
-- item of the log is to have; the commit that advances the cursor past the log empties it. After a
-- crash the next sync knows local data that equals a journalled state for what it applied, not
-- for a local edit, and local data at a state's path that it wrote for an edit of that state.
CREATE TABLE applied (
  -- the sequence of the log whose change this is
  sequence    INTEGER NOT NULL,
  item_id     TEXT NOT NULL,
  -- where the change leaves the item (as items.path_key); NULL for records and removed items
  path_key    TEXT,
  -- the item's version after the change; NULL when the change removes it here
  version     BLOB,
  -- 1 once the sync wrote that state locally (committed with the log it belongs to)
  written     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sequence, item_id)
) WITHOUT ROWID;

CREATE INDEX applied_by_path ON applied (path_key) WHERE path_key IS NOT NULL;
CREATE INDEX applied_by_item ON applied (item_id, sequence);
