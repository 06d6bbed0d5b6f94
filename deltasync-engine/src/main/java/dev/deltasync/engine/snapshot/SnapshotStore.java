package dev.deltasync.engine.snapshot;

import com.google.protobuf.ByteString;
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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;

/**
 * The snapshot of one collection on one device, in an SQLite database in the device's home (never
 * inside the synced data): every item as last agreed with the store, its version, the stat cache,
 * and the cursor (the sequence of the last applied log).
 *
 * <p>Reads see the last committed state. Writes go through a {@link Batch}, which commits items and
 * cursor together in one transaction (fsynced: {@code synchronous=FULL}), or not at all. Nothing
 * requires the whole snapshot on the heap: lookups are by id or path key, {@link #forEach} streams,
 * and {@link #statIndex} keeps about 24 bytes per file.
 *
 * <p>A sync keeps what it works with in a {@link Scratch} database beside the snapshot ({@link
 * #openScratch()}), so that need not be on the heap either.
 *
 * <p>Not thread-safe: one sync at a time uses a snapshot (the engine takes a lock per home).
 */
public final class SnapshotStore implements AutoCloseable {
  private static final String CURSOR = "cursor";

  /** Counts commits ({@link Batch#commit()}; builds before the {@link #COMMIT_ID} count only). */
  private static final String GENERATION = "generation";

  /**
   * A random id each commit ({@link Batch#commit()}) sets, and so does every change of an item row
   * (triggers, {@code SchemaMigrations}), whoever makes it. With the database's own id and the
   * commit count, the stamp of a state ({@link #stamp}) that a {@link StatIndexAhead} or a saved
   * {@link StatIndex} was read at. Random as well as counted: a database restored from a copy and
   * then changed cannot come back to a stamp it had before.
   */
  static final String COMMIT_ID = "commit-id";

  private static final String ENTRY = "SELECT " + EntryColumns.names("") + " FROM items";
  private static final String BY_ID = ENTRY + " WHERE item_id = ?";
  private static final String BY_PATH_KEY = ENTRY + " WHERE path_key = ?";

  private final Connection connection;
  private final Path file;
  private final Sql sql;
  private final AppliedJournal applied;
  private @Nullable Scratch scratch;
  private @Nullable StatIndexAhead ahead;

  /** The last index {@link #statIndex} gave, while it is still of the state {@link #heldStamp}. */
  private @Nullable StatIndex held;

  private @Nullable String heldStamp;

  /**
   * Whether the items table has its change triggers ({@link SchemaMigrations#markItemChanges}):
   * without them no saved stat index is read or saved.
   */
  private boolean savedIndexTrusted;

  /**
   * Whether the items table was empty when the snapshot was opened and no {@link Batch} has begun
   * since (the only way this store writes items; only one sync at a time uses a snapshot): look-ups
   * then answer without a query. A device's first sync looks up every item it meets.
   */
  private boolean noItems;

  private SnapshotStore(Connection connection, Path file) {
    this.connection = connection;
    this.file = file;
    this.sql = new Sql(connection, file);
    this.applied = new AppliedJournal(sql);
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
      // No generated keys: the driver would otherwise prepare and run "SELECT last_insert_rowid()"
      // after every INSERT (several INSERTs per file in a first sync); nothing here reads them.
      SQLiteConfig config = new SQLiteConfig();
      config.setGetGeneratedKeys(false);
      connection =
          DriverManager.getConnection(
              "jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
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
        // Up to 32 MiB of pages in SQLite's own memory (not the Java heap; 2 MiB by default): a
        // first sync's commit inserts every item into two indexes.
        statement.execute("PRAGMA cache_size = -32768");
      }
      SchemaMigrations.migrate(connection, file.toString());
      SnapshotStore store = new SnapshotStore(connection, file);
      store.savedIndexTrusted = SchemaMigrations.markItemChanges(connection);
      try (Statement statement = connection.createStatement();
          ResultSet any = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM items)")) {
        store.noItems = any.next() && any.getInt(1) == 0;
      }
      return store;
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

  /** The remote changes a sync may have written locally since the last commit. */
  public AppliedJournal applied() {
    return applied;
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
    return one(BY_ID, itemId);
  }

  /** The item whose path has this key (see {@link SnapshotEntry#pathKey()}), if any. */
  public Optional<SnapshotEntry> byPathKey(String pathKey) throws IOException {
    return one(BY_PATH_KEY, pathKey);
  }

  /**
   * The stat cache of the snapshot's files in compact form, for a scan that checks many files
   * (about 24 bytes per file on the heap; one pass over the items).
   */
  public StatIndex statIndex() throws IOException {
    StatIndexAhead offered = ahead;
    ahead = null;
    String stamp = stamp(sql);
    StatIndex index = null;
    if (offered != null && savedIndexTrusted) { // else it may have read a saved index
      StatIndexAhead.Read read = offered.await();
      if (read != null && read.stamp().equals(stamp)) {
        index = read.index();
      }
    }
    if (index == null && savedIndexTrusted) {
      index = StatIndex.readSaved(StatIndex.savedBeside(file), stamp);
    }
    if (index == null) {
      index = StatIndex.load(sql);
    }
    held = index;
    heldStamp = stamp;
    return index;
  }

  /**
   * Lets the next {@link #statIndex()} take the index read ahead, if it is of the snapshot as it is
   * then.
   */
  public void useStatIndexAhead(StatIndexAhead readAhead) {
    this.ahead = readAhead;
  }

  /**
   * Which database this is, how many commits it has had and the id of the last one: a {@link
   * StatIndexAhead} or saved {@link StatIndex} of the same stamp is of this very state.
   */
  static String stamp(Sql sql) throws IOException {
    try {
      PreparedStatement query =
          sql.prepare(
              "SELECT (SELECT hex(value) FROM meta WHERE key = 'snapshot-id'),"
                  + " (SELECT value FROM meta WHERE key = '"
                  + GENERATION
                  + "'), (SELECT hex(value) FROM meta WHERE key = '"
                  + COMMIT_ID
                  + "')");
      try (ResultSet result = query.executeQuery()) {
        String id = result.next() ? result.getString(1) : null;
        long generation = result.getLong(2);
        String commit = result.getString(3);
        return (id == null ? "none" : id)
            + "/"
            + generation
            + "/"
            + (commit == null ? "none" : commit);
      }
    } catch (SQLException e) {
      throw sql.failure("read the snapshot's id", e);
    }
  }

  /** Visits every item, ordered by path key (records, which have none, first), streaming. */
  public void forEach(Visitor visitor) throws IOException {
    try (PreparedStatement query =
            connection.prepareStatement(ENTRY + " ORDER BY path_key, item_id");
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
    noItems = false;
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
                  + " stat_inode, file_mode, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  // An upsert on the id only: another item with the same path key is an error,
                  // never silently replaced (INSERT OR REPLACE would delete it).
                  + " ON CONFLICT (item_id) DO UPDATE SET kind = excluded.kind, path = excluded.path,"
                  + " path_key = excluded.path_key, version = excluded.version,"
                  + " stat_size = excluded.stat_size, stat_mtime = excluded.stat_mtime,"
                  + " stat_inode = excluded.stat_inode, file_mode = excluded.file_mode,"
                  + " item = excluded.item");
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
        Integer mode = EntryColumns.fileMode(item);
        if (mode == null) {
          put.setNull(9, Types.INTEGER);
        } else {
          put.setInt(9, mode);
        }
        put.setBytes(10, item.toByteArray());
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

    /**
     * Writes the working state a sync built into the items: removed items go, changed ones get
     * their new entries.
     */
    public Batch apply(WorkingTable working) throws IOException {
      try {
        sql.prepare("DELETE FROM items WHERE item_id IN (SELECT item_id FROM working)")
            .executeUpdate();
        sql.prepare(
                "INSERT INTO items (item_id, kind, path, "
                    + EntryColumns.names("")
                    + ") SELECT item_id, kind, path, "
                    + EntryColumns.names("")
                    + " FROM working WHERE item IS NOT NULL")
            .executeUpdate();
        return this;
      } catch (SQLException e) {
        throw failure("store the items this sync changed", e);
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

    /** Empties the {@link AppliedJournal}: the cursor now covers what it holds. */
    public Batch forgetApplied() throws IOException {
      try (PreparedStatement statement = connection.prepareStatement("DELETE FROM applied")) {
        statement.executeUpdate();
        return this;
      } catch (SQLException e) {
        throw failure("forget the applied journal", e);
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

    /**
     * Makes every change of this batch durable, together. The stat index {@link #statIndex} gave
     * last is then saved for the new state when the items are as it was read from (this batch
     * changed none: a changed item row would have changed the commit id), so that the next sync
     * need not read them (a sync that finds nothing changed commits only its cursor).
     */
    public void commit() throws IOException {
      String before;
      String after;
      try {
        before = stamp(sql); // after this batch's own changes to items, if any
        sql.prepare(
                "INSERT INTO meta (key, value) VALUES ('"
                    + GENERATION
                    + "', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1")
            .executeUpdate();
        sql.prepare(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('"
                    + COMMIT_ID
                    + "', randomblob(16))")
            .executeUpdate();
        after = stamp(sql);
        connection.commit();
        done = true;
      } catch (SQLException e) {
        throw failure("commit", e);
      } finally {
        close();
      }
      keepStatIndex(before, after);
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

  /**
   * After a commit from state {@code before} (with the batch's changes, before its commit id) to
   * {@code after}: the held stat index is of the new state too when it was read at {@code before};
   * it is saved beside the database for the next sync. Otherwise it is dropped, and so is a saved
   * one. The commit is durable whatever happens here: a failure only leaves the next sync to read
   * the items table.
   */
  private void keepStatIndex(String before, String after) {
    StatIndex index = held;
    String indexStamp = heldStamp;
    held = null;
    heldStamp = null;
    Path saved = StatIndex.savedBeside(file);
    try {
      if (index != null && savedIndexTrusted && before.equals(indexStamp)) {
        held = index;
        heldStamp = after;
        index.save(saved, after);
      } else {
        Files.deleteIfExists(saved);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(saved);
      } catch (IOException | RuntimeException ignored) {
        // its stamp is of an older state: it will not be used
      }
    }
  }

  private Optional<SnapshotEntry> one(String query, String key) throws IOException {
    if (noItems) {
      return Optional.empty();
    }
    try {
      // Look-ups run once per local item during a scan: their statements are prepared once.
      PreparedStatement statement = sql.prepare(query);
      statement.setString(1, key);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? Optional.of(entry(result)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("look up " + key, e);
    }
  }

  /**
   * Runs {@code work} in one transaction and commits it: a consistent view for many look-ups, and
   * one commit for many writes to the {@link Scratch} database (which is never synced to disk;
   * items and cursor change only through a {@link Batch}, which is). When {@code work} throws,
   * everything it wrote is rolled back. Must not be nested in another transaction or a {@link
   * Batch}.
   *
   * @throws IllegalStateException when a transaction is open already
   */
  public void inTransaction(Work work) throws IOException {
    try {
      if (!connection.getAutoCommit()) {
        throw new IllegalStateException("a snapshot transaction is open already");
      }
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw failure("begin a transaction", e);
    }
    boolean committed = false;
    try {
      work.run();
      try {
        connection.commit();
      } catch (SQLException e) {
        throw failure("commit", e);
      }
      committed = true;
    } finally {
      try {
        if (!committed) {
          connection.rollback();
        }
        connection.setAutoCommit(true);
      } catch (SQLException e) {
        throw failure("end a transaction", e);
      }
    }
  }

  /** Work for {@link #inTransaction}. */
  @FunctionalInterface
  public interface Work {
    void run() throws IOException;
  }

  /**
   * Creates the scratch database of a sync, empty, replacing one a crashed sync left; closing it
   * deletes it. One at a time; not inside a transaction.
   *
   * @throws IllegalStateException when one is open already
   */
  public Scratch openScratch() throws IOException {
    if (scratch != null) {
      throw new IllegalStateException("a scratch database is open already");
    }
    Scratch opened = Scratch.open(sql, () -> scratch = null);
    scratch = opened;
    return opened;
  }

  /**
   * The open scratch database.
   *
   * @throws IllegalStateException when none is open
   */
  public Scratch scratch() {
    Scratch open = scratch;
    if (open == null) {
      throw new IllegalStateException("no scratch database is open: call openScratch() first");
    }
    return open;
  }

  private SnapshotEntry entry(ResultSet result) throws SQLException, SnapshotException {
    SnapshotEntry entry = EntryColumns.read(result, 1, sql);
    if (entry == null) {
      throw new SnapshotException("the snapshot " + file + " holds an item without content");
    }
    return entry;
  }

  private SnapshotException failure(String what, SQLException e) {
    return sql.failure(what, e);
  }

  @Override
  public void close() throws IOException {
    Scratch open = scratch;
    if (open != null) {
      open.close();
    }
    try {
      sql.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }
}
