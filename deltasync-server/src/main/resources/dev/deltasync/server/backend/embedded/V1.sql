-- deltasync server metadata, schema version 1
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  token_hash BLOB NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  revoked_ms INTEGER
);
CREATE UNIQUE INDEX devices_valid_name ON devices (user_id, name) WHERE revoked_ms IS NULL;
CREATE TABLE collections (
  user_id INTEGER NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  head INTEGER NOT NULL DEFAULT 0,
  fencing INTEGER NOT NULL DEFAULT 0,
  head_version INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, name)
);
CREATE INDEX collections_head_version ON collections (head_version);
CREATE TABLE logs (
  user_id INTEGER NOT NULL,
  collection TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  log_id BLOB NOT NULL,
  device TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  size INTEGER NOT NULL,
  sha256 BLOB NOT NULL,
  inline BLOB,
  blob TEXT,
  PRIMARY KEY (user_id, collection, sequence)
);
CREATE UNIQUE INDEX logs_by_id ON logs (user_id, collection, log_id);
CREATE TABLE leases (
  user_id INTEGER NOT NULL,
  collection TEXT NOT NULL,
  lease_id TEXT NOT NULL,
  device_id INTEGER NOT NULL,
  fencing INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  PRIMARY KEY (user_id, collection)
);
CREATE TABLE packs (
  user_id INTEGER NOT NULL,
  pack TEXT NOT NULL,
  blob TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (user_id, pack)
);
CREATE TABLE chunks (
  user_id INTEGER NOT NULL,
  id BLOB NOT NULL,
  pack TEXT NOT NULL,
  codec INTEGER NOT NULL,
  raw_length INTEGER NOT NULL,
  stored_length INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  PRIMARY KEY (user_id, id)
) WITHOUT ROWID;
CREATE TABLE uploads (
  user_id INTEGER NOT NULL,
  upload TEXT NOT NULL,
  staging_key TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (user_id, upload)
);
CREATE TABLE snapshots (
  user_id INTEGER NOT NULL,
  collection TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  blob TEXT NOT NULL,
  size INTEGER NOT NULL,
  device TEXT NOT NULL,
  PRIMARY KEY (user_id, collection, sequence)
);
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('head_version', 0);
