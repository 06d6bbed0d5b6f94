package dev.deltasync.engine.snapshot;

import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * Brings a snapshot database to the current schema version. Each version is one SQL script, {@code
 * migration/V<n>.sql}, applied in its own transaction (with what a version needs done in Java: V3
 * fills its new column from the items); {@code PRAGMA user_version} records the version reached. A
 * database newer than this build is refused, never downgraded.
 */
final class SchemaMigrations {
  /** The scripts, in order: index 0 is V1. */
  private static final List<String> SCRIPTS =
      List.of("migration/V1.sql", "migration/V2.sql", "migration/V3.sql");

  static final int CURRENT_VERSION = SCRIPTS.size();

  private SchemaMigrations() {}

  static void migrate(Connection connection, String where) throws SQLException, IOException {
    int version;
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("PRAGMA user_version")) {
      version = result.next() ? result.getInt(1) : 0;
    }
    if (version > CURRENT_VERSION) {
      throw new SnapshotException(
          where
              + " has snapshot schema version "
              + version
              + ", newer than this deltasync understands ("
              + CURRENT_VERSION
              + "): upgrade deltasync");
    }
    for (int next = version + 1; next <= CURRENT_VERSION; next++) {
      migrateTo(connection, next);
    }
  }

  /** The triggers {@link #markItemChanges} keeps on the items table, one per kind of change. */
  private static final List<String> TRIGGERS =
      List.of("items_changed_insert", "items_changed_update", "items_changed_delete");

  /**
   * Triggers that give the snapshot a new random {@code commit-id} whenever a row of the items is
   * inserted, updated or deleted, by whatever writes it (this build, an older one, a hand edit with
   * the sqlite3 shell): part of the stamp a saved {@link StatIndex} is checked against, so an index
   * is never taken for items that changed since. Triggers stay in the database, so older builds
   * that open it afterwards fire them too. When they are not all there (a database from before
   * them, or one whose triggers someone dropped and whose items may have changed meanwhile) they
   * are made again, and the commit id is renewed at once, in the same transaction.
   *
   * @return false when they could not be made (a read-only or busy database): then no saved index
   *     may be used or saved for this database in this process
   */
  static boolean markItemChanges(Connection connection) {
    try (Statement statement = connection.createStatement()) {
      try (ResultSet result =
          statement.executeQuery(
              "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                  + " AND tbl_name = 'items' AND name IN ('"
                  + String.join("', '", TRIGGERS)
                  + "')), (SELECT count(*) FROM meta WHERE key = '"
                  + SnapshotStore.COMMIT_ID
                  + "')")) {
        if (result.next() && result.getInt(1) == TRIGGERS.size() && result.getInt(2) == 1) {
          return true;
        }
      }
      connection.setAutoCommit(false);
      try {
        for (String trigger : TRIGGERS) {
          String event = trigger.substring(trigger.lastIndexOf('_') + 1).toUpperCase(Locale.ROOT);
          statement.execute("DROP TRIGGER IF EXISTS " + trigger);
          // An UPDATE of a row that is there: a conflict clause in a trigger would give way to that
          // of the statement that fires it (an upsert of an item).
          statement.execute(
              "CREATE TRIGGER "
                  + trigger
                  + " AFTER "
                  + event
                  + " ON items BEGIN UPDATE meta SET value = randomblob(16) WHERE key = '"
                  + SnapshotStore.COMMIT_ID
                  + "'; END");
        }
        renewCommitId(statement);
        connection.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        return false;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      return false;
    }
  }

  /** A new random commit id: whatever stamp was saved before no longer matches. */
  private static void renewCommitId(Statement statement) throws SQLException {
    statement.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('"
            + SnapshotStore.COMMIT_ID
            + "', randomblob(16))");
  }

  private static void migrateTo(Connection connection, int next) throws SQLException, IOException {
    String script = load(SCRIPTS.get(next - 1));
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements(script)) {
        statement.execute(sql);
      }
      if (next == 3) {
        fillFileModes(connection);
      }
      // A migration may change items (V3 fills a column) or rebuild the table (and lose its
      // triggers): no stamp from before it may match after it.
      renewCommitId(statement);
      statement.execute("PRAGMA user_version = " + next);
      connection.commit();
    } catch (SQLException | IOException | RuntimeException e) {
      connection
          .rollback(); // all of this version or nothing: never a new column at the old version
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /**
   * V3: copies the mode of every file item into its file_mode column, a page of items at a time.
   */
  private static void fillFileModes(Connection connection) throws SQLException, IOException {
    String last = "";
    try (PreparedStatement page =
            connection.prepareStatement(
                "SELECT item_id, item FROM items WHERE kind = ? AND item_id > ?"
                    + " ORDER BY item_id LIMIT 1000");
        PreparedStatement update =
            connection.prepareStatement("UPDATE items SET file_mode = ? WHERE item_id = ?")) {
      while (true) {
        page.setInt(1, ItemKind.KIND_FILE_VALUE);
        page.setString(2, last);
        int rows = 0;
        try (ResultSet result = page.executeQuery()) {
          while (result.next()) {
            last = result.getString(1);
            update.setInt(1, Item.parseFrom(result.getBytes(2)).getFile().getMode());
            update.setString(2, last);
            update.addBatch();
            rows++;
          }
        }
        if (rows == 0) {
          return;
        }
        update.executeBatch();
      }
    }
  }

  private static String load(String name) throws IOException {
    try (InputStream in = SchemaMigrations.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing migration script " + name + " in the deltasync jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Splits a script at semicolons that end a line; comments are dropped. */
  static List<String> statements(String script) {
    StringBuilder clean = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      int comment = line.indexOf("--");
      clean.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
    }
    return java.util.Arrays.stream(clean.toString().split(";\\s*\n"))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
