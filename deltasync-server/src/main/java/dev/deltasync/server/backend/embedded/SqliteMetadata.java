package dev.deltasync.server.backend.embedded;

import com.google.protobuf.ByteString;
import dev.deltasync.server.backend.AppendOutcome;
import dev.deltasync.server.backend.AppendRequest;
import dev.deltasync.server.backend.BackendException;
import dev.deltasync.server.backend.ChunkLocation;
import dev.deltasync.server.backend.DeviceRecord;
import dev.deltasync.server.backend.HeadChange;
import dev.deltasync.server.backend.Lease;
import dev.deltasync.server.backend.LeaseOutcome;
import dev.deltasync.server.backend.LogRecord;
import dev.deltasync.server.backend.MetadataBackend;
import dev.deltasync.server.backend.PackRecord;
import dev.deltasync.server.backend.SnapshotRecord;
import dev.deltasync.server.backend.UserRecord;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@link MetadataBackend} on SQLite ({@code DATA/meta.db}). Appends go through a {@link
 * GroupCommit}: many appends share one transaction and one fsync. Several server processes may open
 * the same database: every read-then-write runs in a {@code BEGIN IMMEDIATE} transaction.
 */
public final class SqliteMetadata implements MetadataBackend {
  private static final int POOL_SIZE = 8;
  private static final int MAX_IDS_PER_QUERY = 500;

  private final Database database;
  private final GroupCommit appends;
  private final LongSupplier clock;
  private final SecureRandom random = new SecureRandom();

  private SqliteMetadata(Database database, LongSupplier clock) {
    this.database = database;
    this.clock = clock;
    this.appends = new GroupCommit(database, this::appendOne);
  }

  /**
   * Opens (creating or migrating) the database in {@code dataDir}.
   *
   * @param clock the server clock in milliseconds (lease expiry)
   */
  public static SqliteMetadata open(Path dataDir, LongSupplier clock) throws BackendException {
    return new SqliteMetadata(Database.open(dataDir.resolve("meta.db"), POOL_SIZE), clock);
  }

  // ---- users and devices ----

  @Override
  public UserRecord createUser(String name, String passwordHash) throws BackendException {
    return database.write(c -> {
      if (userByName(c, name).isPresent()) {
        throw new BackendException.NameTaken("user \"" + name + "\" exists");
      }
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO users (name, password_hash, created_ms) VALUES (?, ?, ?)")) {
        insert.setString(1, name);
        insert.setString(2, passwordHash);
        insert.setLong(3, clock.getAsLong());
        insert.executeUpdate();
      }
      return userByName(c, name).orElseThrow();
    });
  }

  @Override
  public Optional<UserRecord> user(String name) throws BackendException {
    return database.read(c -> userByName(c, name));
  }

  @Override
  public Optional<UserRecord> user(long userId) throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
          c.prepareStatement("SELECT id, name, password_hash FROM users WHERE id = ?")) {
        query.setLong(1, userId);
        return oneUser(query);
      }
    });
  }

  private static Optional<UserRecord> userByName(Connection c, String name) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement("SELECT id, name, password_hash FROM users WHERE name = ?")) {
      query.setString(1, name);
      return oneUser(query);
    }
  }

  private static Optional<UserRecord> oneUser(PreparedStatement query) throws SQLException {
    try (ResultSet r = query.executeQuery()) {
      return r.next()
          ? Optional.of(new UserRecord(r.getLong(1), r.getString(2), r.getString(3)))
          : Optional.empty();
    }
  }

  private static final String DEVICE_COLUMNS =
      "id, user_id, name, created_ms, last_seen_ms, revoked_ms";

  @Override
  public DeviceRecord createDevice(long userId, String name, byte[] tokenHash, long nowMillis)
      throws BackendException {
    return database.write(c -> {
      try (PreparedStatement query =
          c.prepareStatement(
              "SELECT 1 FROM devices WHERE user_id = ? AND name = ? AND revoked_ms IS NULL")) {
        query.setLong(1, userId);
        query.setString(2, name);
        try (ResultSet r = query.executeQuery()) {
          if (r.next()) {
            throw new BackendException.NameTaken(
                "the user has a device named \"" + name + "\" already");
          }
        }
      }
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO devices (user_id, name, token_hash, created_ms, last_seen_ms)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        insert.setLong(1, userId);
        insert.setString(2, name);
        insert.setBytes(3, tokenHash);
        insert.setLong(4, nowMillis);
        insert.setLong(5, nowMillis);
        insert.executeUpdate();
      }
      return deviceWhere(c, "token_hash = ?", q -> q.setBytes(1, tokenHash)).orElseThrow();
    });
  }

  @Override
  public Optional<DeviceRecord> deviceByTokenHash(byte[] tokenHash) throws BackendException {
    return database.read(c -> deviceWhere(c, "token_hash = ?", q -> q.setBytes(1, tokenHash)));
  }

  @Override
  public Optional<DeviceRecord> device(long deviceId) throws BackendException {
    return database.read(c -> deviceWhere(c, "id = ?", q -> q.setLong(1, deviceId)));
  }

  @Override
  public List<DeviceRecord> devices(long userId) throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
          c.prepareStatement(
              "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE user_id = ? ORDER BY id")) {
        query.setLong(1, userId);
        List<DeviceRecord> devices = new ArrayList<>();
        try (ResultSet r = query.executeQuery()) {
          while (r.next()) {
            devices.add(device(r));
          }
        }
        return devices;
      }
    });
  }

  @Override
  public void touchDevice(long deviceId, long nowMillis) throws BackendException {
    database.write(c -> {
      try (PreparedStatement update =
          c.prepareStatement("UPDATE devices SET last_seen_ms = ? WHERE id = ?")) {
        update.setLong(1, nowMillis);
        update.setLong(2, deviceId);
        return update.executeUpdate();
      }
    });
  }

  @Override
  public boolean revokeDevice(long userId, String name, long nowMillis) throws BackendException {
    return database.write(c -> {
      try (PreparedStatement update =
          c.prepareStatement(
              "UPDATE devices SET revoked_ms = ?"
                  + " WHERE user_id = ? AND name = ? AND revoked_ms IS NULL")) {
        update.setLong(1, nowMillis);
        update.setLong(2, userId);
        update.setString(3, name);
        return update.executeUpdate() > 0;
      }
    });
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private static Optional<DeviceRecord> deviceWhere(Connection c, String where, Binder binder)
      throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE " + where)) {
      binder.bind(query);
      try (ResultSet r = query.executeQuery()) {
        return r.next() ? Optional.of(device(r)) : Optional.empty();
      }
    }
  }

  private static DeviceRecord device(ResultSet r) throws SQLException {
    long revoked = r.getLong(6);
    boolean valid = r.wasNull();
    return new DeviceRecord(
        r.getLong(1),
        r.getLong(2),
        r.getString(3),
        r.getLong(4),
        r.getLong(5),
        valid ? null : revoked);
  }

  // ---- collections and logs ----

  @Override
  public long head(long userId, String collection) throws BackendException {
    return database.read(c -> head(c, userId, collection));
  }

  private static long head(Connection c, long userId, String collection) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement("SELECT head FROM collections WHERE user_id = ? AND name = ?")) {
      query.setLong(1, userId);
      query.setString(2, collection);
      try (ResultSet r = query.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  @Override
  public Map<String, Long> heads(long userId) throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
          c.prepareStatement(
              "SELECT name, head FROM collections WHERE user_id = ? AND head > 0"
                  + " ORDER BY name")) {
        query.setLong(1, userId);
        Map<String, Long> heads = new LinkedHashMap<>();
        try (ResultSet r = query.executeQuery()) {
          while (r.next()) {
            heads.put(r.getString(1), r.getLong(2));
          }
        }
        return heads;
      }
    });
  }

  @Override
  public AppendOutcome append(AppendRequest request) throws BackendException {
    return appends.submit(request);
  }

  /** One append inside a group-commit transaction. */
  private AppendOutcome appendOne(Connection c, AppendRequest request) throws SQLException {
    long userId = request.userId();
    String collection = request.collection();
    try (PreparedStatement query =
        c.prepareStatement(
            "SELECT sequence, sha256 FROM logs"
                + " WHERE user_id = ? AND collection = ? AND log_id = ?")) {
      query.setLong(1, userId);
      query.setString(2, collection);
      query.setBytes(3, request.logId().toByteArray());
      try (ResultSet r = query.executeQuery()) {
        if (r.next()) {
          return java.util.Arrays.equals(r.getBytes(2), request.sha256().toByteArray())
              ? new AppendOutcome.Appended(r.getLong(1), true)
              : new AppendOutcome.IdReused(r.getLong(1));
        }
      }
    }
    Optional<Lease> lease = currentLease(c, userId, collection);
    long now = clock.getAsLong();
    boolean valid = lease.isPresent() && lease.get().expiresMillis() > now;
    Long fencing = request.fencing();
    if (fencing != null) {
      if (!valid
          || lease.get().fencing() != fencing
          || lease.get().deviceId() != request.deviceId()) {
        return new AppendOutcome.Fenced(
            "fencing number "
                + fencing
                + " is stale: "
                + (!valid
                    ? "the lease has expired or was released"
                    : lease.get().deviceId() == request.deviceId()
                        ? "the collection's lease now has fencing number " + lease.get().fencing()
                        : "another device holds the collection's lease")
                + "; take a new lease, pull, and retry");
      }
    } else if (valid && lease.get().deviceId() != request.deviceId()) {
      return new AppendOutcome.Fenced(
          "another device holds the lease on collection \""
              + collection
              + "\"; wait for it, take a lease, and retry");
    }
    long head = head(c, userId, collection);
    if (head != request.expectedHead()) {
      return new AppendOutcome.HeadMoved(head);
    }
    long sequence = head + 1;
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO logs (user_id, collection, sequence, log_id, device, created_ms, size,"
                + " sha256, inline, blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, userId);
      insert.setString(2, collection);
      insert.setLong(3, sequence);
      insert.setBytes(4, request.logId().toByteArray());
      insert.setString(5, request.originDevice());
      insert.setLong(6, request.createdMillis());
      insert.setLong(7, request.size());
      insert.setBytes(8, request.sha256().toByteArray());
      byte[] inline = request.inline();
      if (inline != null) {
        insert.setBytes(9, inline);
      } else {
        insert.setNull(9, Types.BLOB);
      }
      insert.setString(10, request.blob());
      insert.executeUpdate();
    }
    long version = nextHeadVersion(c);
    try (PreparedStatement upsert =
        c.prepareStatement(
            "INSERT INTO collections (user_id, name, head, head_version) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (user_id, name) DO UPDATE SET head = excluded.head,"
                + " head_version = excluded.head_version")) {
      upsert.setLong(1, userId);
      upsert.setString(2, collection);
      upsert.setLong(3, sequence);
      upsert.setLong(4, version);
      upsert.executeUpdate();
    }
    return new AppendOutcome.Appended(sequence, false);
  }

  private static long nextHeadVersion(Connection c) throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE counters SET value = value + 1 WHERE name = 'head_version' RETURNING value")) {
      try (ResultSet r = update.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static final String LOG_COLUMNS =
      "sequence, log_id, device, created_ms, size, inline, blob";

  @Override
  public List<LogRecord> logs(long userId, String collection, long after, int max)
      throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
          c.prepareStatement(
              "SELECT sequence, log_id, device, created_ms, size, NULL, blob FROM logs"
                  + " WHERE user_id = ? AND collection = ? AND sequence > ?"
                  + " ORDER BY sequence LIMIT ?")) {
        query.setLong(1, userId);
        query.setString(2, collection);
        query.setLong(3, after);
        query.setInt(4, max);
        List<LogRecord> logs = new ArrayList<>();
        try (ResultSet r = query.executeQuery()) {
          while (r.next()) {
            logs.add(logRecord(r));
          }
        }
        return logs;
      }
    });
  }

  @Override
  public Optional<LogRecord> log(long userId, String collection, long sequence)
      throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
          c.prepareStatement(
              "SELECT "
                  + LOG_COLUMNS
                  + " FROM logs WHERE user_id = ? AND collection = ? AND sequence = ?")) {
        query.setLong(1, userId);
        query.setString(2, collection);
        query.setLong(3, sequence);
        try (ResultSet r = query.executeQuery()) {
          return r.next() ? Optional.of(logRecord(r)) : Optional.empty();
        }
      }
    });
  }

  private static LogRecord logRecord(ResultSet r) throws SQLException {
    return new LogRecord(
        r.getLong(1),
        ByteString.copyFrom(r.getBytes(2)),
        r.getString(3),
        r.getLong(4),
        r.getLong(5),
        r.getBytes(6),
        r.getString(7));
  }

  @Override
  public List<HeadChange> headChanges(long afterVersion, int max) throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
          c.prepareStatement(
              "SELECT head_version, user_id, name, head FROM collections"
                  + " WHERE head_version > ? ORDER BY head_version LIMIT ?")) {
        query.setLong(1, afterVersion);
        query.setInt(2, max);
        List<HeadChange> changes = new ArrayList<>();
        try (ResultSet r = query.executeQuery()) {
          while (r.next()) {
            changes.add(new HeadChange(r.getLong(1), r.getLong(2), r.getString(3), r.getLong(4)));
          }
        }
        return changes;
      }
    });
  }

  @Override
  public long headVersion() throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
              c.prepareStatement("SELECT value FROM counters WHERE name = 'head_version'");
          ResultSet r = query.executeQuery()) {
        return r.next() ? r.getLong(1) : 0L;
      }
    });
  }

  // ---- leases ----

  @Override
  public LeaseOutcome acquireLease(
      long userId, String collection, long deviceId, long ttlMillis, long nowMillis)
      throws BackendException {
    return database.write(c -> {
      Optional<Lease> current = currentLease(c, userId, collection);
      if (current.isPresent()
          && current.get().expiresMillis() > nowMillis
          && current.get().deviceId() != deviceId) {
        return new LeaseOutcome.Held(current.get().expiresMillis());
      }
      try (PreparedStatement ensure =
          c.prepareStatement(
              "INSERT INTO collections (user_id, name) VALUES (?, ?)"
                  + " ON CONFLICT (user_id, name) DO NOTHING")) {
        ensure.setLong(1, userId);
        ensure.setString(2, collection);
        ensure.executeUpdate();
      }
      long fencing;
      try (PreparedStatement bump =
          c.prepareStatement(
              "UPDATE collections SET fencing = fencing + 1 WHERE user_id = ? AND name = ?"
                  + " RETURNING fencing")) {
        bump.setLong(1, userId);
        bump.setString(2, collection);
        try (ResultSet r = bump.executeQuery()) {
          r.next();
          fencing = r.getLong(1);
        }
      }
      Lease lease = new Lease(newId(), collection, deviceId, fencing, nowMillis + ttlMillis);
      try (PreparedStatement upsert =
          c.prepareStatement(
              "INSERT OR REPLACE INTO leases"
                  + " (user_id, collection, lease_id, device_id, fencing, expires_ms)"
                  + " VALUES (?, ?, ?, ?, ?, ?)")) {
        upsert.setLong(1, userId);
        upsert.setString(2, collection);
        upsert.setString(3, lease.leaseId());
        upsert.setLong(4, deviceId);
        upsert.setLong(5, fencing);
        upsert.setLong(6, lease.expiresMillis());
        upsert.executeUpdate();
      }
      return new LeaseOutcome.Granted(lease);
    });
  }

  @Override
  public LeaseOutcome renewLease(
      long userId, String collection, String leaseId, long deviceId, long ttlMillis, long nowMillis)
      throws BackendException {
    return database.write(c -> {
      Optional<Lease> current = currentLease(c, userId, collection);
      if (current.isEmpty()
          || !current.get().leaseId().equals(leaseId)
          || current.get().deviceId() != deviceId
          || current.get().expiresMillis() <= nowMillis) {
        return new LeaseOutcome.Lost();
      }
      try (PreparedStatement update =
          c.prepareStatement(
              "UPDATE leases SET expires_ms = ? WHERE user_id = ? AND collection = ?")) {
        update.setLong(1, nowMillis + ttlMillis);
        update.setLong(2, userId);
        update.setString(3, collection);
        update.executeUpdate();
      }
      Lease lease = current.get();
      return new LeaseOutcome.Granted(
          new Lease(leaseId, collection, lease.deviceId(), lease.fencing(), nowMillis + ttlMillis));
    });
  }

  @Override
  public boolean releaseLease(long userId, String collection, String leaseId, long deviceId)
      throws BackendException {
    return database.write(c -> {
      try (PreparedStatement delete =
          c.prepareStatement(
              "DELETE FROM leases"
                  + " WHERE user_id = ? AND collection = ? AND lease_id = ? AND device_id = ?")) {
        delete.setLong(1, userId);
        delete.setString(2, collection);
        delete.setString(3, leaseId);
        delete.setLong(4, deviceId);
        return delete.executeUpdate() > 0;
      }
    });
  }

  private static Optional<Lease> currentLease(Connection c, long userId, String collection)
      throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement(
            "SELECT lease_id, device_id, fencing, expires_ms FROM leases"
                + " WHERE user_id = ? AND collection = ?")) {
      query.setLong(1, userId);
      query.setString(2, collection);
      try (ResultSet r = query.executeQuery()) {
        return r.next()
            ? Optional.of(
                new Lease(r.getString(1), collection, r.getLong(2), r.getLong(3), r.getLong(4)))
            : Optional.empty();
      }
    }
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  // ---- content ----

  @Override
  public Set<ByteString> missingChunks(long userId, Collection<ByteString> ids)
      throws BackendException {
    Set<ByteString> missing = new LinkedHashSet<>(ids);
    for (ChunkLocation held : locateChunks(userId, ids)) {
      missing.remove(held.id());
    }
    return missing;
  }

  @Override
  public List<ChunkLocation> locateChunks(long userId, Collection<ByteString> ids)
      throws BackendException {
    List<ByteString> all = List.copyOf(new LinkedHashSet<>(ids));
    return database.read(c -> {
      List<ChunkLocation> found = new ArrayList<>();
      for (int from = 0; from < all.size(); from += MAX_IDS_PER_QUERY) {
        List<ByteString> part = all.subList(from, Math.min(all.size(), from + MAX_IDS_PER_QUERY));
        String marks = String.join(",", java.util.Collections.nCopies(part.size(), "?"));
        try (PreparedStatement query =
            c.prepareStatement(
                "SELECT id, pack, codec, raw_length, stored_length, offset FROM chunks"
                    + " WHERE user_id = ? AND id IN ("
                    + marks
                    + ")")) {
          query.setLong(1, userId);
          for (int i = 0; i < part.size(); i++) {
            query.setBytes(i + 2, part.get(i).toByteArray());
          }
          try (ResultSet r = query.executeQuery()) {
            while (r.next()) {
              found.add(
                  new ChunkLocation(
                      ByteString.copyFrom(r.getBytes(1)),
                      r.getString(2),
                      r.getInt(3),
                      r.getInt(4),
                      r.getInt(5),
                      r.getLong(6)));
            }
          }
        }
      }
      return found;
    });
  }

  @Override
  public int addPack(long userId, PackRecord pack, List<ChunkLocation> chunks)
      throws BackendException {
    return database.write(c -> {
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT OR IGNORE INTO packs (user_id, pack, blob, size) VALUES (?, ?, ?, ?)")) {
        insert.setLong(1, userId);
        insert.setString(2, pack.pack());
        insert.setString(3, pack.blob());
        insert.setLong(4, pack.size());
        insert.executeUpdate();
      }
      int added = 0;
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT OR IGNORE INTO chunks"
                  + " (user_id, id, pack, codec, raw_length, stored_length, offset)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (ChunkLocation chunk : chunks) {
          insert.setLong(1, userId);
          insert.setBytes(2, chunk.id().toByteArray());
          insert.setString(3, pack.pack());
          insert.setInt(4, chunk.codec());
          insert.setInt(5, chunk.rawLength());
          insert.setInt(6, chunk.storedLength());
          insert.setLong(7, chunk.offset());
          added += insert.executeUpdate();
        }
      }
      return added;
    });
  }

  @Override
  public Optional<PackRecord> pack(long userId, String pack) throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
          c.prepareStatement("SELECT blob, size FROM packs WHERE user_id = ? AND pack = ?")) {
        query.setLong(1, userId);
        query.setString(2, pack);
        try (ResultSet r = query.executeQuery()) {
          return r.next()
              ? Optional.of(new PackRecord(pack, r.getString(1), r.getLong(2)))
              : Optional.empty();
        }
      }
    });
  }

  // ---- uploads ----

  @Override
  public void createUpload(long userId, String upload, String stagingKey, long nowMillis)
      throws BackendException {
    database.write(c -> {
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO uploads (user_id, upload, staging_key, created_ms)"
                  + " VALUES (?, ?, ?, ?)")) {
        insert.setLong(1, userId);
        insert.setString(2, upload);
        insert.setString(3, stagingKey);
        insert.setLong(4, nowMillis);
        return insert.executeUpdate();
      }
    });
  }

  @Override
  public Optional<String> upload(long userId, String upload) throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
          c.prepareStatement("SELECT staging_key FROM uploads WHERE user_id = ? AND upload = ?")) {
        query.setLong(1, userId);
        query.setString(2, upload);
        try (ResultSet r = query.executeQuery()) {
          return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<StaleUpload> uploadsStartedBefore(long createdBeforeMillis, int max)
      throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
          c.prepareStatement(
              "SELECT user_id, upload, staging_key FROM uploads WHERE created_ms < ?"
                  + " ORDER BY created_ms LIMIT ?")) {
        query.setLong(1, createdBeforeMillis);
        query.setInt(2, max);
        List<StaleUpload> stale = new ArrayList<>();
        try (ResultSet r = query.executeQuery()) {
          while (r.next()) {
            stale.add(new StaleUpload(r.getLong(1), r.getString(2), r.getString(3)));
          }
        }
        return stale;
      }
    });
  }

  @Override
  public void deleteUpload(long userId, String upload) throws BackendException {
    database.write(c -> {
      try (PreparedStatement delete =
          c.prepareStatement("DELETE FROM uploads WHERE user_id = ? AND upload = ?")) {
        delete.setLong(1, userId);
        delete.setString(2, upload);
        return delete.executeUpdate();
      }
    });
  }

  // ---- snapshots ----

  @Override
  public Optional<String> putSnapshot(long userId, String collection, SnapshotRecord snapshot)
      throws BackendException {
    return database.write(c -> {
      Optional<String> replaced;
      try (PreparedStatement old =
          c.prepareStatement(
              "SELECT blob FROM snapshots WHERE user_id = ? AND collection = ? AND sequence = ?")) {
        old.setLong(1, userId);
        old.setString(2, collection);
        old.setLong(3, snapshot.sequence());
        try (ResultSet r = old.executeQuery()) {
          replaced = r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        }
      }
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT OR REPLACE INTO snapshots"
                  + " (user_id, collection, sequence, blob, size, device)"
                  + " VALUES (?, ?, ?, ?, ?, ?)")) {
        insert.setLong(1, userId);
        insert.setString(2, collection);
        insert.setLong(3, snapshot.sequence());
        insert.setString(4, snapshot.blob());
        insert.setLong(5, snapshot.size());
        insert.setString(6, snapshot.device());
        insert.executeUpdate();
      }
      return replaced.filter(blob -> !blob.equals(snapshot.blob()));
    });
  }

  @Override
  public List<String> pruneSnapshots(int keep, int max) throws BackendException {
    record Row(long userId, String collection, long sequence) {}
    return database.write(c -> {
      List<String> blobs = new ArrayList<>();
      List<Row> rows = new ArrayList<>();
      try (PreparedStatement query =
          c.prepareStatement(
              "SELECT user_id, collection, sequence, blob FROM (SELECT user_id, collection,"
                  + " sequence, blob, ROW_NUMBER() OVER (PARTITION BY user_id, collection"
                  + " ORDER BY sequence DESC) AS newest FROM snapshots) WHERE newest > ? LIMIT ?")) {
        query.setInt(1, keep);
        query.setInt(2, max);
        try (ResultSet r = query.executeQuery()) {
          while (r.next()) {
            rows.add(new Row(r.getLong(1), r.getString(2), r.getLong(3)));
            blobs.add(r.getString(4));
          }
        }
      }
      try (PreparedStatement delete =
          c.prepareStatement(
              "DELETE FROM snapshots WHERE user_id = ? AND collection = ? AND sequence = ?")) {
        for (Row row : rows) {
          delete.setLong(1, row.userId());
          delete.setString(2, row.collection());
          delete.setLong(3, row.sequence());
          delete.addBatch();
        }
        delete.executeBatch();
      }
      return blobs;
    });
  }

  @Override
  public Optional<SnapshotRecord> latestSnapshot(long userId, String collection)
      throws BackendException {
    return database.read(c -> {
      try (PreparedStatement query =
          c.prepareStatement(
              "SELECT sequence, blob, size, device FROM snapshots"
                  + " WHERE user_id = ? AND collection = ? ORDER BY sequence DESC LIMIT 1")) {
        query.setLong(1, userId);
        query.setString(2, collection);
        try (ResultSet r = query.executeQuery()) {
          return r.next()
              ? Optional.of(
                  new SnapshotRecord(r.getLong(1), r.getString(2), r.getLong(3), r.getString(4)))
              : Optional.empty();
        }
      }
    });
  }

  @Override
  public void close() {
    appends.close();
    database.close();
  }
}
