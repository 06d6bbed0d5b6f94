package dev.deltasync.engine.snapshot;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The local changes of a sync, kept in its {@link Scratch} database rather than on the heap: per
 * item id, the item as the store has it and as it is here, and which change leaves its item at
 * which path key. The engine's {@code LocalChanges} says what the rows mean; this class only keeps
 * them (and finds those of a sent log through the {@link OutgoingTable}, which it reads).
 */
public final class PendingTable {
  private static final String COLUMNS =
      EntryColumns.names("p.before_") + ", " + EntryColumns.names("p.after_");
  private static final String GET = "SELECT " + COLUMNS + " FROM pending p WHERE p.item_id = ?";
  private static final String AT_PATH_KEY =
      "SELECT "
          + COLUMNS
          + " FROM pending_paths pp JOIN pending p ON p.item_id = pp.item_id"
          + " WHERE pp.path_key = ?";
  private static final String INSERT =
      "INSERT INTO pending (item_id, rank, order_key, put_order, "
          + EntryColumns.names("before_")
          + ", "
          + EntryColumns.names("after_")
          + ") VALUES (?, ?, ?, ?, "
          + EntryColumns.placeholders()
          + ", "
          + EntryColumns.placeholders()
          + ")";
  private static final String OF_SENT =
      "SELECT p.item_id, "
          + COLUMNS
          + " FROM ("
          + OutgoingTable.SENT_IDS
          + ") o JOIN pending p ON p.item_id = o.item_id ORDER BY o.out_seq";

  /** Paths first, then the changes; each with the parameters of {@link OutgoingTable#SENT_IDS}. */
  private static final List<String> REMOVE_SENT =
      Stream.of("pending_paths", "pending")
          .map(t ->
              "DELETE FROM "
                  + t
                  + " WHERE item_id IN (SELECT item_id FROM ("
                  + OutgoingTable.SENT_IDS
                  + "))")
          .toList();

  private static final String IN_ORDER =
      "SELECT p.item_id, " + COLUMNS + " FROM pending p ORDER BY p.rank, p.order_key, p.put_order";

  private final Sql sql;
  private long putOrder;

  private final KeyFilter itemIds = new KeyFilter();
  private final KeyFilter pathKeys = new KeyFilter();
  private boolean deletesPut;

  PendingTable(Sql sql) {
    this.sql = sql;
  }

  /** One local change: either side may be null, not both. */
  public record Row(@Nullable SnapshotEntry before, @Nullable SnapshotEntry after) {}

  /** Receives rows from {@link #forEachInOrder} and {@link #forEachSent}. */
  @FunctionalInterface
  public interface Visitor {
    void visit(String itemId, Row row) throws IOException;
  }

  /** The change of this item, if any. */
  public @Nullable Row get(String itemId) throws IOException {
    return itemIds.mightContain(itemId) ? one(GET, itemId) : null;
  }

  /** The change last put that leaves its item at {@code pathKey}, if it is still there. */
  public @Nullable Row atPathKey(String pathKey) throws IOException {
    return pathKeys.mightContain(pathKey) ? one(AT_PATH_KEY, pathKey) : null;
  }

  /**
   * Replaces the change of {@code itemId}. It takes the path key of {@code after} (from any other
   * change that had it) and goes last among the changes of equal {@code rank} and {@code orderKey}.
   */
  public void put(
      String itemId,
      @Nullable SnapshotEntry before,
      @Nullable SnapshotEntry after,
      int rank,
      byte[] orderKey)
      throws IOException {
    remove(itemId);
    itemIds.add(itemId);
    deletesPut |= after == null;
    try {
      PreparedStatement insert = sql.prepare(INSERT);
      insert.setString(1, itemId);
      insert.setInt(2, rank);
      insert.setBytes(3, orderKey);
      insert.setLong(4, ++putOrder);
      EntryColumns.bind(insert, 5, before);
      EntryColumns.bind(insert, 5 + EntryColumns.COUNT, after);
      insert.executeUpdate();
      String pathKey = after == null ? null : after.pathKey();
      if (pathKey != null) {
        pathKeys.add(pathKey);
        PreparedStatement take =
            sql.prepare("INSERT OR REPLACE INTO pending_paths (path_key, item_id) VALUES (?, ?)");
        take.setString(1, pathKey);
        take.setString(2, itemId);
        take.executeUpdate();
      }
    } catch (SQLException e) {
      throw sql.failure("keep the local change of item " + itemId, e);
    }
  }

  /**
   * Whether a delete was ever put in this table (which starts empty): when not, it holds none, and
   * a search for one can be skipped.
   */
  public boolean mayHoldDeletes() {
    return deletesPut;
  }

  /** Drops the change of this item, and its hold on a path key. */
  public void remove(String itemId) throws IOException {
    if (!itemIds.mightContain(itemId)) {
      return; // never put
    }
    try {
      PreparedStatement row = sql.prepare("DELETE FROM pending WHERE item_id = ?");
      row.setString(1, itemId);
      if (row.executeUpdate() == 0) {
        return;
      }
      // A change holds at most one path key: the one its item ends at.
      PreparedStatement path = sql.prepare("DELETE FROM pending_paths WHERE item_id = ?");
      path.setString(1, itemId);
      path.executeUpdate();
    } catch (SQLException e) {
      throw sql.failure("drop the local change of item " + itemId, e);
    }
  }

  /** The number of changes. */
  public long size() throws IOException {
    try (ResultSet result = sql.prepare("SELECT count(*) FROM pending").executeQuery()) {
      return result.next() ? result.getLong(1) : 0;
    } catch (SQLException e) {
      throw sql.failure("count local changes", e);
    }
  }

  /**
   * Visits every change by rank, then order key, then the order they were put in, streaming. The
   * visitor must not change this table.
   */
  public void forEachInOrder(Visitor visitor) throws IOException {
    try (PreparedStatement query = sql.connection.prepareStatement(IN_ORDER);
        ResultSet result = query.executeQuery()) {
      visitEach(result, visitor);
    } catch (SQLException e) {
      throw sql.failure("list local changes", e);
    }
  }

  /**
   * Visits, in the order they are sent, the changes of the items whose outgoing changes {@link
   * OutgoingTable#inSentOrder} gives for the same {@code from} and {@code limit}: one query, not a
   * {@link #get} each. The visitor must not change this table.
   */
  public void forEachSent(long from, int limit, Visitor visitor) throws IOException {
    try {
      PreparedStatement query = sql.prepare(OF_SENT);
      query.setLong(1, from);
      query.setInt(2, limit);
      try (ResultSet result = query.executeQuery()) {
        visitEach(result, visitor);
      }
    } catch (SQLException e) {
      throw sql.failure("list the local changes of a sent log", e);
    }
  }

  /**
   * Drops the changes, and their holds on path keys, of the items whose outgoing changes {@link
   * OutgoingTable#inSentOrder} gives for the same {@code from} and {@code limit}: two statements,
   * not a {@link #remove} each.
   */
  public void removeSent(long from, int limit) throws IOException {
    try {
      for (String statement : REMOVE_SENT) {
        PreparedStatement delete = sql.prepare(statement);
        delete.setLong(1, from);
        delete.setInt(2, limit);
        delete.executeUpdate();
      }
    } catch (SQLException e) {
      throw sql.failure("drop the local changes of a sent log", e);
    }
  }

  /** Visits each row of a result whose columns are the item id and then {@link #COLUMNS}. */
  private void visitEach(ResultSet result, Visitor visitor) throws SQLException, IOException {
    while (result.next()) {
      visitor.visit(
          result.getString(1),
          new Row(
              EntryColumns.read(result, 2, sql),
              EntryColumns.read(result, 2 + EntryColumns.COUNT, sql)));
    }
  }

  private @Nullable Row one(String query, String key) throws IOException {
    try {
      PreparedStatement statement = sql.prepare(query);
      statement.setString(1, key);
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          return null;
        }
        return new Row(
            EntryColumns.read(result, 1, sql),
            EntryColumns.read(result, 1 + EntryColumns.COUNT, sql));
      }
    } catch (SQLException e) {
      throw sql.failure("look up the local change at " + key, e);
    }
  }
}
