package dev.deltasync.engine.snapshot;

import dev.deltasync.format.v1.Item;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.jspecify.annotations.Nullable;

/**
 * What a sync changed of the agreed state, kept in its {@link Scratch} database rather than on the
 * heap: an item's new entry (or its removal), and which item now holds a path key. {@link
 * SnapshotStore.Batch#apply(WorkingTable)} writes it into the items. The engine's {@code
 * WorkingState} says what the rows mean; this class only keeps them.
 */
public final class WorkingTable {
  private static final String GET =
      "SELECT " + EntryColumns.names("") + " FROM working WHERE item_id = ?";
  private static final String PUT =
      "INSERT OR REPLACE INTO working (item_id, kind, path, "
          + EntryColumns.names("")
          + ") VALUES (?, ?, ?, "
          + EntryColumns.placeholders()
          + ")";

  private final Sql sql;
  private final KeyFilter changedIds = new KeyFilter();
  private final KeyFilter heldKeys = new KeyFilter();

  WorkingTable(Sql sql) {
    this.sql = sql;
  }

  /** An item this sync changed: its entry now, null when removed. */
  public record Changed(@Nullable SnapshotEntry entry) {}

  /** Who holds a path key now: an item id, or null when no item does. */
  public record Holder(@Nullable String itemId) {}

  /** How this sync changed the item, or null when it did not. */
  public @Nullable Changed get(String itemId) throws IOException {
    if (!changedIds.mightContain(itemId)) {
      return null;
    }
    try {
      PreparedStatement query = sql.prepare(GET);
      query.setString(1, itemId);
      try (ResultSet result = query.executeQuery()) {
        return result.next() ? new Changed(EntryColumns.read(result, 1, sql)) : null;
      }
    } catch (SQLException e) {
      throw sql.failure("look up the working state of item " + itemId, e);
    }
  }

  /** Records the item's new entry, or its removal when {@code entry} is null. */
  public void put(String itemId, @Nullable SnapshotEntry entry) throws IOException {
    changedIds.add(itemId);
    try {
      PreparedStatement upsert = sql.prepare(PUT);
      upsert.setString(1, itemId);
      Item item = entry == null ? null : entry.item();
      if (item == null) {
        upsert.setNull(2, Types.INTEGER);
      } else {
        upsert.setInt(2, item.getKindValue());
      }
      if (item == null || item.getPath().isEmpty()) {
        upsert.setNull(3, Types.VARCHAR);
      } else {
        upsert.setString(3, item.getPath());
      }
      EntryColumns.bind(upsert, 4, entry);
      upsert.executeUpdate();
    } catch (SQLException e) {
      throw sql.failure("keep the working state of item " + itemId, e);
    }
  }

  /** The number of items this sync changed. */
  public long size() throws IOException {
    try (ResultSet result = sql.prepare("SELECT count(*) FROM working").executeQuery()) {
      return result.next() ? result.getLong(1) : 0;
    } catch (SQLException e) {
      throw sql.failure("count the working state", e);
    }
  }

  /** Who holds {@code pathKey} since this sync changed it, or null when it did not. */
  public @Nullable Holder holder(String pathKey) throws IOException {
    if (!heldKeys.mightContain(pathKey)) {
      return null;
    }
    try {
      PreparedStatement query = sql.prepare("SELECT item_id FROM working_paths WHERE path_key = ?");
      query.setString(1, pathKey);
      try (ResultSet result = query.executeQuery()) {
        return result.next() ? new Holder(result.getString(1)) : null;
      }
    } catch (SQLException e) {
      throw sql.failure("look up the working holder of " + pathKey, e);
    }
  }

  /** Records that {@code itemId} (null: no item) now holds {@code pathKey}. */
  public void hold(String pathKey, @Nullable String itemId) throws IOException {
    heldKeys.add(pathKey);
    try {
      PreparedStatement upsert =
          sql.prepare("INSERT OR REPLACE INTO working_paths (path_key, item_id) VALUES (?, ?)");
      upsert.setString(1, pathKey);
      if (itemId == null) {
        upsert.setNull(2, Types.VARCHAR);
      } else {
        upsert.setString(2, itemId);
      }
      upsert.executeUpdate();
    } catch (SQLException e) {
      throw sql.failure("keep the working holder of " + pathKey, e);
    }
  }
}
