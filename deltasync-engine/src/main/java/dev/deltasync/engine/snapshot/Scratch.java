package dev.deltasync.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The scratch database of one sync: a file beside the snapshot ({@code NAME-scratch}), attached to
 * the snapshot's connection, that holds what the sync works with while it runs — its local changes,
 * the agreed state it builds, the scan's new and missing items, the logs it lays out — so that none
 * of it needs the heap. It is created empty by {@link SnapshotStore#openScratch()} (a file a
 * crashed sync left is replaced) and deleted by {@link #close()}. Its writes are never synced to
 * disk: nothing in it outlives the sync.
 */
public final class Scratch implements AutoCloseable {
  private static final String SCHEMA = "scratch.sql";

  private final Sql sql;
  private final Path path;
  private final Runnable closed;
  private final PendingTable pending;
  private final WorkingTable working;
  private final ScanTables scan;
  private final OutgoingTable outgoing;
  private boolean open = true;

  private Scratch(Sql sql, Path path, Runnable closed) {
    this.sql = sql;
    this.path = path;
    this.closed = closed;
    this.pending = new PendingTable(sql);
    this.working = new WorkingTable(sql);
    this.scan = new ScanTables(sql);
    this.outgoing = new OutgoingTable(sql);
  }

  static Scratch open(Sql sql, Runnable closed) throws IOException {
    Path path = Path.of(sql.file.toAbsolutePath() + "-scratch");
    deleteFiles(path);
    try {
      try (PreparedStatement attach = sql.connection.prepareStatement("ATTACH ? AS scratch")) {
        attach.setString(1, path.toString());
        attach.execute();
      }
      try (Statement statement = sql.connection.createStatement()) {
        // Only this connection uses it, and nothing in it must survive a crash.
        statement.execute("PRAGMA scratch.locking_mode = EXCLUSIVE");
        statement.execute("PRAGMA scratch.journal_mode = TRUNCATE");
        statement.execute("PRAGMA scratch.synchronous = OFF");
        // Up to 64 MiB of its pages in SQLite's own memory (not the Java heap; 2 MiB by default):
        // a first sync writes several rows per item, and with the default cache most of its
        // pages went out to the file and were read back.
        statement.execute("PRAGMA scratch.cache_size = -65536");
        sql.connection.setAutoCommit(false);
        try {
          for (String create : SchemaMigrations.statements(schema())) {
            statement.execute(create);
          }
          sql.connection.commit();
        } finally {
          sql.connection.setAutoCommit(true);
        }
      }
    } catch (SQLException e) {
      SnapshotException failure = sql.failure("create the scratch database " + path, e);
      try (Statement statement = sql.connection.createStatement()) {
        statement.execute("DETACH scratch");
      } catch (SQLException notAttached) {
        failure.addSuppressed(notAttached);
      }
      throw failure;
    }
    return new Scratch(sql, path, closed);
  }

  /** The sync's local changes. */
  public PendingTable pending() {
    return pending;
  }

  /** The changes the sync made to the agreed state. */
  public WorkingTable working() {
    return working;
  }

  /** The scan's new and missing items. */
  public ScanTables scan() {
    return scan;
  }

  /** The changes of a push attempt. */
  public OutgoingTable outgoing() {
    return outgoing;
  }

  /** Detaches the scratch database and deletes its file. */
  @Override
  public void close() throws IOException {
    if (!open) {
      return;
    }
    open = false;
    closed.run();
    try {
      sql.closeStatements(); // prepared statements on its tables would keep it attached
      try (Statement statement = sql.connection.createStatement()) {
        statement.execute("DETACH scratch");
      }
    } catch (SQLException e) {
      throw sql.failure("close the scratch database " + path, e);
    }
    deleteFiles(path);
  }

  private static void deleteFiles(Path path) throws IOException {
    Files.deleteIfExists(path);
    Files.deleteIfExists(Path.of(path + "-journal"));
  }

  private static String schema() throws IOException {
    try (InputStream in = Scratch.class.getResourceAsStream(SCHEMA)) {
      if (in == null) {
        throw new IOException("missing " + SCHEMA + " in the deltasync jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
