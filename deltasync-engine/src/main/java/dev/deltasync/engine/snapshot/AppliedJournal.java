package dev.deltasync.engine.snapshot;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The states that remote changes pulled since the last commit give their items, recorded durably
 * before a sync writes any of them locally ({@code applied} table). A sync that crashes after
 * writing some of them leaves the cursor and the snapshot as they were; the next one tells local
 * data that equals a recorded state (it wrote that) from local edits. Only what is found to match
 * counts: a recorded state may not have been written. {@link SnapshotStore.Batch#forgetApplied()}
 * empties it with the commit.
 */
public final class AppliedJournal {
  /**
   * The state change {@code itemId} of log {@code sequence} leaves its item in, and whether it is
   * known to be written locally (ignored by {@link #record}).
   */
  public record Row(
      long sequence,
      String itemId,
      @Nullable String pathKey,
      @Nullable ByteString version,
      boolean written) {}

  private final Sql sql;

  AppliedJournal(Sql sql) {
    this.sql = sql;
  }

  /**
   * Records the states a log's changes lead to, durably, in a transaction of its own. Must not be
   * called inside another transaction.
   */
  public void record(List<Row> rows) throws IOException {
    if (rows.isEmpty()) {
      return;
    }
    try {
      sql.connection.setAutoCommit(false);
      try {
        PreparedStatement insert =
            sql.prepare(
                "INSERT INTO applied (sequence, item_id, path_key, version) VALUES (?, ?, ?, ?)"
                    // Pulled again after a crash: what was written stays known.
                    + " ON CONFLICT (sequence, item_id) DO UPDATE SET path_key = excluded.path_key,"
                    + " version = excluded.version");
        for (Row row : rows) {
          insert.setLong(1, row.sequence());
          insert.setString(2, row.itemId());
          if (row.pathKey() == null) {
            insert.setNull(3, Types.VARCHAR);
          } else {
            insert.setString(3, row.pathKey());
          }
          ByteString version = row.version();
          if (version == null) {
            insert.setNull(4, Types.BLOB);
          } else {
            insert.setBytes(4, version.toByteArray());
          }
          insert.executeUpdate();
        }
        sql.connection.commit();
      } catch (SQLException e) {
        sql.connection.rollback();
        throw e;
      } finally {
        sql.connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw sql.failure("record the remote changes about to be applied", e);
    }
  }

  /** Whether nothing is journalled (the last sync committed). */
  public boolean isEmpty() throws IOException {
    try (ResultSet result = sql.prepare("SELECT 1 FROM applied LIMIT 1").executeQuery()) {
      return !result.next();
    } catch (SQLException e) {
      throw sql.failure("read the applied journal", e);
    }
  }

  /**
   * Notes that the journalled state of {@code itemId} in log {@code sequence} was written locally.
   * Belongs in the transaction that applies the log ({@link SnapshotStore#inTransaction}): a crash
   * before it commits leaves the state as one that may have been written.
   */
  public void written(long sequence, String itemId) throws IOException {
    try {
      PreparedStatement update =
          sql.prepare("UPDATE applied SET written = 1 WHERE sequence = ? AND item_id = ?");
      update.setLong(1, sequence);
      update.setString(2, itemId);
      update.executeUpdate();
    } catch (SQLException e) {
      throw sql.failure("note a remote change written", e);
    }
  }

  /**
   * The item the journal leaves at {@code pathKey}: of the items whose last journalled state is
   * there, the one journalled last. Null when there is none.
   */
  public @Nullable Row holder(String pathKey) throws IOException {
    return row(
        "SELECT a.sequence, a.item_id, a.path_key, a.version, a.written FROM applied a"
            + " WHERE a.path_key = ? AND a.version IS NOT NULL AND a.sequence ="
            + " (SELECT max(b.sequence) FROM applied b WHERE b.item_id = a.item_id)"
            + " ORDER BY a.sequence DESC LIMIT 1",
        pathKey);
  }

  /** The last journalled state of item {@code itemId}, or null when it has none. */
  public @Nullable Row last(String itemId) throws IOException {
    return row(
        "SELECT sequence, item_id, path_key, version, written FROM applied WHERE item_id = ?"
            + " ORDER BY sequence DESC LIMIT 1",
        itemId);
  }

  private @Nullable Row row(String query, String key) throws IOException {
    try {
      PreparedStatement statement = sql.prepare(query);
      statement.setString(1, key);
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          return null;
        }
        byte[] version = result.getBytes(4);
        return new Row(
            result.getLong(1),
            result.getString(2),
            result.getString(3),
            version == null ? null : ByteString.copyFrom(version),
            result.getInt(5) != 0);
      }
    } catch (SQLException e) {
      throw sql.failure("read the applied journal", e);
    }
  }

  /**
   * Whether a change of a log from {@code sequence} on leaves item {@code itemId} at {@code
   * pathKey} in {@code version}, or (version null) removes it.
   */
  public boolean reaches(
      String itemId, long sequence, @Nullable String pathKey, @Nullable ByteString version)
      throws IOException {
    try {
      PreparedStatement query =
          sql.prepare("SELECT path_key, version FROM applied WHERE item_id = ? AND sequence >= ?");
      query.setString(1, itemId);
      query.setLong(2, sequence);
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          byte[] found = result.getBytes(2);
          if (version == null
              ? found == null
              : found != null
                  && version.equals(ByteString.copyFrom(found))
                  && java.util.Objects.equals(pathKey, result.getString(1))) {
            return true;
          }
        }
        return false;
      }
    } catch (SQLException e) {
      throw sql.failure("read the applied journal", e);
    }
  }
}
