package dev.deltasync.engine.snapshot;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.deltasync.format.v1.Item;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The snapshot of one collection on one device, in an SQLite database in the device's home (never
 * inside the synced data): every item as last agreed with the store, its version, the stat cache,
 * and the cursor (the sequence of the last applied log).
 *
 * <p>Reads see the last committed state. Writes go through a {@link Batch}, which commits items and
 * cursor together in one transaction (fsynced: {@code synchronous=FULL}), or not at all. Nothing
 * requires the whole snapshot on the heap: lookups are by id or path key, and {@link #forEach}
 * streams.
 *
 * <p>Not thread-safe: one sync at a time uses a snapshot (the engine takes a lock per home).
 */
public final class SnapshotStore implements AutoCloseable {
  private static final String CURSOR = "cursor";

  private final Connection connection;
  private final Path file;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  private SnapshotStore(Connection connection, Path file) {
    this.connection = connection;
    this.file = file;
  }

  /**
   * Opens (creating or migrating) the snapshot database at {@code file}.
   *
   * @throws SnapshotException when the file is not a snapshot database or is newer than this build
   *     understands
   */
  public static SnapshotStore open(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Connection connection;
    try {
      connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    } catch (SQLException e) {
      throw new SnapshotException(
          "cannot open the snapshot database " + file + ": " + e.getMessage(), e);
    }
    try {
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA journal_mode = WAL");
        statement.execute("PRAGMA synchronous = FULL");
        statement.execute("PRAGMA foreign_keys = ON");
        statement.execute("PRAGMA busy_timeout = 10000");
      }
      SchemaMigrations.migrate(connection, file.toString());
      return new SnapshotStore(connection, file);
    } catch (SQLException | IOException e) {
      try {
        connection.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof SnapshotException snapshot) {
        throw snapshot;
      }
      throw new SnapshotException(
          file
              + " is not a usable deltasync snapshot database ("
              + e.getMessage()
              + "); move it away to start this collection afresh",
          e);
    }
  }

  /** The sequence of the last change log applied; 0 before the first sync. */
  public long cursor() throws IOException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      query.setString(1, CURSOR);
      try (ResultSet result = query.executeQuery()) {
        return result.next() ? result.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw failure("read the cursor", e);
    }
  }

  private static final String PUSHED_LOG = "pushed-log:";

  /**
   * Records, durably and at once, the id of a log this device is about to append. After a crash
   * between the append and the commit, the next sync recognises the log as its own by this id (not
   * by the device name, which another device may share). {@link Batch#commit()} forgets them.
   */
  public void rememberPushedLog(ByteString logId) throws IOException {
    try (PreparedStatement statement =
        connection.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")) {
      statement.setString(1, PUSHED_LOG + HexFormat.of().formatHex(logId.toByteArray()));
      statement.setBytes(2, logId.toByteArray());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failure("remember a pushed log", e);
    }
  }

  /** The ids of logs this device appended (or tried to) since the last commit. */
  public Set<ByteString> pushedLogs() throws IOException {
    Set<ByteString> ids = new HashSet<>();
    try (PreparedStatement query =
            connection.prepareStatement("SELECT value FROM meta WHERE key LIKE 'pushed-log:%'");
        ResultSet result = query.executeQuery()) {
      while (result.next()) {
        ids.add(ByteString.copyFrom(result.getBytes(1)));
      }
      return ids;
    } catch (SQLException e) {
      throw failure("read pushed logs", e);
    }
  }

  /** The number of items. */
  public long size() throws IOException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM items")) {
      return result.next() ? result.getLong(1) : 0;
    } catch (SQLException e) {
      throw failure("count items", e);
    }
  }

  /** The item with this id, if any. */
  public Optional<SnapshotEntry> byId(String itemId) throws IOException {
    return one(
        "SELECT item, version, path_key, stat_size, stat_mtime, stat_inode FROM items WHERE item_id = ?",
        itemId);
  }

  /** The item whose path has this key (see {@link SnapshotEntry#pathKey()}), if any. */
  public Optional<SnapshotEntry> byPathKey(String pathKey) throws IOException {
    return one(
        "SELECT item, version, path_key, stat_size, stat_mtime, stat_inode FROM items WHERE path_key = ?",
        pathKey);
  }

  /** Visits every item, ordered by path key (records, which have none, first), streaming. */
  public void forEach(Visitor visitor) throws IOException {
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT item, version, path_key, stat_size, stat_mtime, stat_inode FROM items ORDER BY path_key, item_id");
        ResultSet result = query.executeQuery()) {
      while (result.next()) {
        visitor.visit(entry(result));
      }
    } catch (SQLException e) {
      throw failure("list items", e);
    }
  }

  /** Receives items from {@link #forEach}. */
  @FunctionalInterface
  public interface Visitor {
    void visit(SnapshotEntry entry) throws IOException;
  }

  /** Starts a write transaction; nothing is visible until {@link Batch#commit()}. */
  public Batch begin() throws IOException {
    try {
      connection.setAutoCommit(false);
      return new Batch();
    } catch (SQLException e) {
      throw failure("begin a transaction", e);
    }
  }

  /**
   * Changes that become durable together on {@link #commit()}; {@link #close()} without commit
   * rolls back.
   */
  public final class Batch implements AutoCloseable {
    private final PreparedStatement put;
    private final PreparedStatement remove;
    private boolean done;

    private Batch() throws SQLException {
      put =
          connection.prepareStatement(
              "INSERT INTO items (item_id, kind, path, path_key, version, stat_size, stat_mtime,"
                  + " stat_inode, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  // An upsert on the id only: another item with the same path key is an error,
                  // never silently replaced (INSERT OR REPLACE would delete it).
                  + " ON CONFLICT (item_id) DO UPDATE SET kind = excluded.kind, path = excluded.path,"
                  + " path_key = excluded.path_key, version = excluded.version,"
                  + " stat_size = excluded.stat_size, stat_mtime = excluded.stat_mtime,"
                  + " stat_inode = excluded.stat_inode, item = excluded.item");
      remove = connection.prepareStatement("DELETE FROM items WHERE item_id = ?");
    }

    /** Adds or replaces the item with {@code entry.item().getId()}. */
    public Batch put(SnapshotEntry entry) throws IOException {
      Item item = entry.item();
      try {
        put.setString(1, item.getId());
        put.setInt(2, item.getKindValue());
        if (item.getPath().isEmpty()) {
          put.setNull(3, Types.VARCHAR);
        } else {
          put.setString(3, item.getPath());
        }
        String pathKey = entry.pathKey();
        if (pathKey == null) {
          put.setNull(4, Types.VARCHAR);
        } else {
          put.setString(4, pathKey);
        }
        put.setBytes(5, entry.version().toByteArray());
        FileStat stat = entry.stat();
        if (stat == null) {
          put.setNull(6, Types.INTEGER);
          put.setNull(7, Types.INTEGER);
          put.setNull(8, Types.INTEGER);
        } else {
          put.setLong(6, stat.size());
          put.setLong(7, stat.mtimeNanos());
          put.setLong(8, stat.inode());
        }
        put.setBytes(9, item.toByteArray());
        put.executeUpdate();
        return this;
      } catch (SQLException e) {
        throw failure(
            "store item "
                + item.getId()
                + (item.getPath().isEmpty() ? "" : " at " + item.getPath()),
            e);
      }
    }

    /** Removes the item with this id; removing an absent item is no change. */
    public Batch remove(String itemId) throws IOException {
      try {
        remove.setString(1, itemId);
        remove.executeUpdate();
        return this;
      } catch (SQLException e) {
        throw failure("remove item " + itemId, e);
      }
    }

    /** Forgets the pushed logs ({@link #rememberPushedLog}): the cursor now covers them. */
    public Batch forgetPushedLogs() throws IOException {
      try (PreparedStatement statement =
          connection.prepareStatement("DELETE FROM meta WHERE key LIKE 'pushed-log:%'")) {
        statement.executeUpdate();
        return this;
      } catch (SQLException e) {
        throw failure("forget pushed logs", e);
      }
    }

    /** Sets the cursor. */
    public Batch cursor(long sequence) throws IOException {
      try (PreparedStatement statement =
          connection.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")) {
        statement.setString(1, CURSOR);
        statement.setLong(2, sequence);
        statement.executeUpdate();
        return this;
      } catch (SQLException e) {
        throw failure("set the cursor", e);
      }
    }

    /** Makes every change of this batch durable, together. */
    public void commit() throws IOException {
      try {
        connection.commit();
        done = true;
      } catch (SQLException e) {
        throw failure("commit", e);
      } finally {
        close();
      }
    }

    /** Rolls back unless committed. */
    @Override
    public void close() throws IOException {
      try {
        if (!done) {
          connection.rollback();
          done = true;
        }
        put.close();
        remove.close();
        connection.setAutoCommit(true);
      } catch (SQLException e) {
        throw failure("end a transaction", e);
      }
    }
  }

  private Optional<SnapshotEntry> one(String sql, String key) throws IOException {
    try {
      // Look-ups run once per local item during a scan: their statements are prepared once.
      PreparedStatement query = prepared.get(sql);
      if (query == null) {
        query = connection.prepareStatement(sql);
        prepared.put(sql, query);
      }
      query.setString(1, key);
      try (ResultSet result = query.executeQuery()) {
        return result.next() ? Optional.of(entry(result)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("look up " + key, e);
    }
  }

  /**
   * Runs {@code reads} in one read transaction: a consistent view, and much cheaper than a
   * transaction per look-up when there are many. Must not be nested in a {@link Batch}.
   */
  public void reading(ReadAction reads) throws IOException {
    try {
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw failure("begin a read transaction", e);
    }
    try {
      reads.run();
    } finally {
      try {
        connection.rollback();
        connection.setAutoCommit(true);
      } catch (SQLException e) {
        throw failure("end a read transaction", e);
      }
    }
  }

  /** Work for {@link #reading}. */
  @FunctionalInterface
  public interface ReadAction {
    void run() throws IOException;
  }

  private SnapshotEntry entry(ResultSet result) throws SQLException, SnapshotException {
    Item item;
    try {
      item = Item.parseFrom(result.getBytes(1));
    } catch (InvalidProtocolBufferException e) {
      throw new SnapshotException(
          "the snapshot " + file + " holds an item that does not decode: " + e.getMessage(), e);
    }
    ByteString version = ByteString.copyFrom(result.getBytes(2));
    @Nullable String pathKey = result.getString(3);
    long size = result.getLong(4);
    FileStat stat =
        result.wasNull() ? null : new FileStat(size, result.getLong(5), result.getLong(6));
    return new SnapshotEntry(item, version, pathKey, stat);
  }

  private SnapshotException failure(String what, SQLException e) {
    return new SnapshotException(
        "snapshot " + file + ": cannot " + what + ": " + e.getMessage(), e);
  }

  @Override
  public void close() throws IOException {
    try {
      for (PreparedStatement statement : prepared.values()) {
        statement.close();
      }
      connection.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }
}
