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
    markItemChanges(connection);
  }

  /**
   * Triggers that give the snapshot a new random {@code commit-id} whenever a row of the items is
   * inserted, updated or deleted, by whatever writes it (this build, an older one, a migration, a
   * hand edit with the sqlite3 shell): part of the stamp a saved {@link StatIndex} is checked
   * against, so an index can never be taken for items that changed since. Created once (a database
   * of schema 3 made before them gets them on its next open); triggers stay in the database, so
   * older builds that open it afterwards fire them too.
   */
  private static void markItemChanges(Connection connection) throws SQLException {
    List<String> events = List.of("INSERT", "UPDATE", "DELETE");
    try (Statement statement = connection.createStatement()) {
      try (ResultSet result =
          statement.executeQuery(
              "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                  + " AND name LIKE 'items_changed_%'),"
                  + " (SELECT count(*) FROM meta WHERE key = '"
                  + SnapshotStore.COMMIT_ID
                  + "')")) {
        if (result.next() && result.getInt(1) == events.size() && result.getInt(2) == 1) {
          return;
        }
      }
      // An UPDATE of a row that is there: a conflict clause in a trigger would give way to that of
      // the statement that fires it (an upsert of an item).
      statement.execute(
          "INSERT OR IGNORE INTO meta (key, value) VALUES ('"
              + SnapshotStore.COMMIT_ID
              + "', randomblob(16))");
      for (String event : events) {
        statement.execute(
            "CREATE TRIGGER IF NOT EXISTS items_changed_"
                + event.toLowerCase(java.util.Locale.ROOT)
                + " AFTER "
                + event
                + " ON items BEGIN UPDATE meta SET value = randomblob(16) WHERE key = '"
                + SnapshotStore.COMMIT_ID
                + "'; END");
      }
    }
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
