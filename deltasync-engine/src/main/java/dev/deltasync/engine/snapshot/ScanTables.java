package dev.deltasync.engine.snapshot;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * What a scan found that the snapshot lacks (new items) and what the snapshot has that the scan did
 * not find (missing items), kept in the sync's {@link Scratch} database rather than on the heap
 * until the scan ends and moves are matched.
 */
public final class ScanTables {
  private static final String ADD_NEW =
      "INSERT INTO scan_new (scan_key, "
          + EntryColumns.names("")
          + ") VALUES (?, "
          + EntryColumns.placeholders()
          + ")";
  private static final String NEW_IN_ORDER =
      "SELECT " + EntryColumns.names("") + " FROM scan_new ORDER BY seq";

  private final Sql sql;
  private long newCount;
  private long missingCount;

  ScanTables(Sql sql) {
    this.sql = sql;
  }

  /** A missing item: the snapshot's order, its id and kind. */
  public record Missing(long seq, String itemId, int kind) {}

  /** Receives missing items' ids from {@link #forEachMissingNotMoved}. */
  @FunctionalInterface
  public interface IdVisitor {
    void visit(String itemId) throws IOException;
  }

  /** Keeps a new item, after those kept before; {@code scanKey} must not have been kept yet. */
  public void addNew(String scanKey, SnapshotEntry entry) throws IOException {
    try {
      PreparedStatement insert = sql.prepare(ADD_NEW);
      insert.setString(1, scanKey);
      EntryColumns.bind(insert, 2, entry);
      insert.executeUpdate();
      newCount++;
    } catch (SQLException e) {
      throw sql.failure("keep the new item " + scanKey, e);
    }
  }

  /** Whether a new item with this scan key was kept. */
  public boolean hasNew(String scanKey) throws IOException {
    if (newCount == 0) {
      return false;
    }
    try {
      PreparedStatement query = sql.prepare("SELECT 1 FROM scan_new WHERE scan_key = ?");
      query.setString(1, scanKey);
      try (ResultSet result = query.executeQuery()) {
        return result.next();
      }
    } catch (SQLException e) {
      throw sql.failure("look up the new item " + scanKey, e);
    }
  }

  /** Visits the new items in the order they were kept, streaming. */
  public void forEachNew(SnapshotStore.Visitor visitor) throws IOException {
    if (newCount == 0) {
      return;
    }
    try (PreparedStatement query = sql.connection.prepareStatement(NEW_IN_ORDER);
        ResultSet result = query.executeQuery()) {
      while (result.next()) {
        SnapshotEntry entry = EntryColumns.read(result, 1, sql);
        if (entry != null) {
          visitor.visit(entry);
        }
      }
    } catch (SQLException e) {
      throw sql.failure("list new items", e);
    }
  }

  /** Keeps a missing snapshot item, after those kept before. */
  public void addMissing(SnapshotEntry entry, boolean movable) throws IOException {
    try {
      PreparedStatement insert =
          sql.prepare(
              "INSERT INTO scan_missing (item_id, kind, version, movable) VALUES (?, ?, ?, ?)");
      insert.setString(1, entry.item().getId());
      insert.setInt(2, entry.item().getKindValue());
      insert.setBytes(3, entry.version().toByteArray());
      insert.setInt(4, movable ? 1 : 0);
      insert.executeUpdate();
      missingCount++;
    } catch (SQLException e) {
      throw sql.failure("keep the missing item " + entry.item().getId(), e);
    }
  }

  /**
   * Takes the first movable missing item of this version not taken yet, in the order they were
   * kept; null when there is none.
   */
  public @Nullable Missing takeMovable(ByteString version) throws IOException {
    if (missingCount == 0) {
      return null;
    }
    try {
      PreparedStatement query =
          sql.prepare(
              "SELECT seq, item_id, kind FROM scan_missing"
                  + " WHERE version = ? AND movable = 1 AND polled = 0 ORDER BY seq LIMIT 1");
      query.setBytes(1, version.toByteArray());
      Missing missing;
      try (ResultSet result = query.executeQuery()) {
        if (!result.next()) {
          return null;
        }
        missing = new Missing(result.getLong(1), result.getString(2), result.getInt(3));
      }
      PreparedStatement take = sql.prepare("UPDATE scan_missing SET polled = 1 WHERE seq = ?");
      take.setLong(1, missing.seq());
      take.executeUpdate();
      return missing;
    } catch (SQLException e) {
      throw sql.failure("match a move", e);
    }
  }

  /** Records that a new item is a move of this missing one. */
  public void markMoved(Missing missing) throws IOException {
    try {
      PreparedStatement update = sql.prepare("UPDATE scan_missing SET moved = 1 WHERE seq = ?");
      update.setLong(1, missing.seq());
      update.executeUpdate();
    } catch (SQLException e) {
      throw sql.failure("record a move", e);
    }
  }

  /** Visits the ids of missing items no new item moved, in the order they were kept, streaming. */
  public void forEachMissingNotMoved(IdVisitor visitor) throws IOException {
    if (missingCount == 0) {
      return;
    }
    try (PreparedStatement query =
            sql.connection.prepareStatement(
                "SELECT item_id FROM scan_missing WHERE moved = 0 ORDER BY seq");
        ResultSet result = query.executeQuery()) {
      while (result.next()) {
        visitor.visit(result.getString(1));
      }
    } catch (SQLException e) {
      throw sql.failure("list missing items", e);
    }
  }

  /** Empties both tables. */
  public void clear() throws IOException {
    try {
      sql.prepare("DELETE FROM scan_new").executeUpdate();
      sql.prepare("DELETE FROM scan_missing").executeUpdate();
      newCount = 0;
      missingCount = 0;
    } catch (SQLException e) {
      throw sql.failure("empty the scan tables", e);
    }
  }
}
