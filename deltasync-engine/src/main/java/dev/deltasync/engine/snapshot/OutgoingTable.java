package dev.deltasync.engine.snapshot;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.deltasync.format.v1.Change;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The changes of one push attempt, kept in the sync's {@link Scratch} database rather than on the
 * heap: first in sorted order (their position), then laid out in the order they are sent (their
 * place). Emptied for every attempt.
 */
public final class OutgoingTable {
  /**
   * The condition on outgoing rows of {@link #inSentOrder}, with the first place as its parameter.
   */
  static final String FROM_PLACE = "out_seq >= ? AND out_seq IS NOT NULL";

  /**
   * The item ids of the changes {@link #inSentOrder} gives, in a query with two parameters: the
   * first place and the limit.
   */
  static final String SENT_IDS =
      "SELECT item_id, out_seq FROM outgoing WHERE " + FROM_PLACE + " ORDER BY out_seq LIMIT ?";

  private final Sql sql;

  OutgoingTable(Sql sql) {
    this.sql = sql;
  }

  /** A change by its position, with the path key it leaves its item at (null: none). */
  public record Slot(long position, @Nullable String targetKey) {}

  /** Empties the table. */
  public void clear() throws IOException {
    try {
      sql.prepare("DELETE FROM outgoing").executeUpdate();
    } catch (SQLException e) {
      throw sql.failure("empty the outgoing changes", e);
    }
  }

  /**
   * Keeps a change at {@code position}, with the path key it leaves its item at and the one it
   * frees (each null when none).
   */
  public void add(
      long position, Change change, @Nullable String targetKey, @Nullable String freesKey)
      throws IOException {
    try {
      PreparedStatement insert =
          sql.prepare(
              "INSERT INTO outgoing (position, change, item_id, target_key, frees_key)"
                  + " VALUES (?, ?, ?, ?, ?)");
      insert.setLong(1, position);
      insert.setBytes(2, change.toByteArray());
      insert.setString(3, change.getItemId());
      setKey(insert, 4, targetKey);
      setKey(insert, 5, freesKey);
      insert.executeUpdate();
    } catch (SQLException e) {
      throw sql.failure("keep an outgoing change of item " + change.getItemId(), e);
    }
  }

  /** Whether any change frees a path key. */
  public boolean anyFreeing() throws IOException {
    try (ResultSet result =
        sql.prepare("SELECT 1 FROM outgoing WHERE frees_key IS NOT NULL LIMIT 1").executeQuery()) {
      return result.next();
    } catch (SQLException e) {
      throw sql.failure("look for outgoing moves", e);
    }
  }

  /** The last change (by position) that frees {@code pathKey}, or null. */
  public @Nullable Slot freeing(String pathKey) throws IOException {
    try {
      PreparedStatement query =
          sql.prepare(
              "SELECT position, target_key FROM outgoing WHERE frees_key = ?"
                  + " ORDER BY position DESC LIMIT 1");
      query.setString(1, pathKey);
      try (ResultSet result = query.executeQuery()) {
        return result.next() ? new Slot(result.getLong(1), result.getString(2)) : null;
      }
    } catch (SQLException e) {
      throw sql.failure("look up the change that frees " + pathKey, e);
    }
  }

  /** Up to {@code limit} changes after {@code position}, by position. */
  public List<Slot> slotsAfter(long position, int limit) throws IOException {
    try {
      PreparedStatement query =
          sql.prepare(
              "SELECT position, target_key FROM outgoing WHERE position > ?"
                  + " ORDER BY position LIMIT ?");
      query.setLong(1, position);
      query.setInt(2, limit);
      List<Slot> slots = new ArrayList<>();
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          slots.add(new Slot(result.getLong(1), result.getString(2)));
        }
      }
      return slots;
    } catch (SQLException e) {
      throw sql.failure("list outgoing changes", e);
    }
  }

  /** Whether the change at {@code position} has its place in the sent order. */
  public boolean placed(long position) throws IOException {
    try {
      PreparedStatement query = sql.prepare("SELECT out_seq FROM outgoing WHERE position = ?");
      query.setLong(1, position);
      try (ResultSet result = query.executeQuery()) {
        return result.next() && result.getObject(1) != null;
      }
    } catch (SQLException e) {
      throw sql.failure("look up an outgoing change", e);
    }
  }

  /** Gives the change at {@code position} place {@code place} in the sent order. */
  public void place(long position, long place) throws IOException {
    try {
      PreparedStatement update = sql.prepare("UPDATE outgoing SET out_seq = ? WHERE position = ?");
      update.setLong(1, place);
      update.setLong(2, position);
      update.executeUpdate();
    } catch (SQLException e) {
      throw sql.failure("place an outgoing change", e);
    }
  }

  /** Sends every change in the order of its position. */
  public void placeInPositionOrder() throws IOException {
    try {
      sql.prepare("UPDATE outgoing SET out_seq = position").executeUpdate();
    } catch (SQLException e) {
      throw sql.failure("place the outgoing changes", e);
    }
  }

  /**
   * Up to {@code limit} changes from place {@code from} on, in the sent order. {@link
   * PendingTable#forEachSent} and {@link PendingTable#removeSent} take the same ones.
   */
  public List<Change> inSentOrder(long from, int limit) throws IOException {
    try {
      PreparedStatement query =
          sql.prepare(
              "SELECT change FROM outgoing WHERE " + FROM_PLACE + " ORDER BY out_seq LIMIT ?");
      query.setLong(1, from);
      query.setInt(2, limit);
      List<Change> changes = new ArrayList<>();
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          changes.add(Change.parseFrom(result.getBytes(1)));
        }
      }
      return changes;
    } catch (SQLException e) {
      throw sql.failure("read outgoing changes", e);
    } catch (InvalidProtocolBufferException e) {
      throw new SnapshotException(
          "snapshot " + sql.file + ": an outgoing change does not decode: " + e.getMessage(), e);
    }
  }

  private static void setKey(PreparedStatement statement, int index, @Nullable String key)
      throws SQLException {
    if (key == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, key);
    }
  }
}
