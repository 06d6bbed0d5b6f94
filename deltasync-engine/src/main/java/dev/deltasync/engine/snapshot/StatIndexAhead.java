package dev.deltasync.engine.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;

/**
 * A snapshot's {@link StatIndex}, read ahead on a thread of its own through a read-only connection
 * of its own, while the sync does other things first (asks the server where its data lives, takes
 * the lease). {@link SnapshotStore#statIndex()} of a store the sync opens later takes it ({@link
 * SnapshotStore#useStatIndexAhead}) when it is the same database (its random id) and nothing was
 * committed to it in between (its commit count); otherwise, or when reading failed or the snapshot
 * was not there yet or needs a migration, the store reads the index itself. The index saved beside
 * the database for its current state ({@link StatIndex#readSaved}) is read when there is one, else
 * the items table.
 */
public final class StatIndexAhead {
  /** What was read: the index, and the stamp of the snapshot it belongs to (its id and commits). */
  record Read(StatIndex index, String stamp) {}

  private final CompletableFuture<@Nullable Read> read = new CompletableFuture<>();

  private StatIndexAhead() {}

  /** Starts reading the index of the snapshot at {@code file}, if there is one. */
  public static StatIndexAhead start(Path file) {
    StatIndexAhead ahead = new StatIndexAhead();
    if (!Files.isRegularFile(file)) {
      ahead.read.complete(null); // a first sync: no snapshot yet
      return ahead;
    }
    Thread.ofPlatform()
        .name("deltasync-stat-index")
        .daemon()
        .start(() -> {
          try {
            ahead.read.complete(read(file));
          } catch (Exception | Error e) {
            ahead.read.complete(null); // the store reads it itself
          }
        });
    return ahead;
  }

  private static @Nullable Read read(Path file) throws Exception {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    try (Connection connection =
        DriverManager.getConnection(
            "jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties())) {
      connection.setAutoCommit(false); // one read transaction: stamp and index agree
      Sql sql = new Sql(connection, file);
      try {
        try (Statement statement = connection.createStatement();
            ResultSet version = statement.executeQuery("PRAGMA user_version")) {
          if (!version.next() || version.getInt(1) != SchemaMigrations.CURRENT_VERSION) {
            return null; // to be migrated first
          }
        }
        String stamp = SnapshotStore.stamp(sql);
        StatIndex saved = StatIndex.readSaved(StatIndex.savedBeside(file), stamp);
        return new Read(saved != null ? saved : StatIndex.load(sql), stamp);
      } finally {
        sql.closeStatements();
        connection.rollback();
      }
    }
  }

  /** What was read, waiting for it; null when nothing usable was. */
  @Nullable Read await() {
    try {
      return read.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      return null;
    }
  }
}
