package dev.deltasync.engine.snapshot;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SnapshotEntry} as seven columns, as the items table and the scratch tables store it:
 * item, version, path_key, stat_size, stat_mtime, stat_inode, file_mode. A NULL item means no
 * entry. file_mode is the mode of a file item (NULL for other kinds), a copy of what the item says
 * so that a scan can compare it without decoding the item ({@link StatIndex}); reading an entry
 * takes it from the item.
 */
final class EntryColumns {
  static final int COUNT = 7;

  private EntryColumns() {}

  /** The seven column names, each with {@code prefix} in front, separated by commas. */
  static String names(String prefix) {
    return String.join(
        ", ",
        prefix + "item",
        prefix + "version",
        prefix + "path_key",
        prefix + "stat_size",
        prefix + "stat_mtime",
        prefix + "stat_inode",
        prefix + "file_mode");
  }

  /** One {@code ?} per column, separated by commas. */
  static String placeholders() {
    return String.join(", ", java.util.Collections.nCopies(COUNT, "?"));
  }

  /** The file_mode column's value for {@code item}: its mode when it is a file, else null. */
  static @Nullable Integer fileMode(Item item) {
    return item.getKind() == ItemKind.KIND_FILE ? item.getFile().getMode() : null;
  }

  /** Binds the seven parameters from {@code first} on; all NULL when {@code entry} is null. */
  static void bind(PreparedStatement statement, int first, @Nullable SnapshotEntry entry)
      throws SQLException {
    if (entry == null) {
      for (int i = 0; i < COUNT; i++) {
        statement.setNull(first + i, i < 2 ? Types.BLOB : Types.INTEGER);
      }
      return;
    }
    statement.setBytes(first, entry.item().toByteArray());
    statement.setBytes(first + 1, entry.version().toByteArray());
    String pathKey = entry.pathKey();
    if (pathKey == null) {
      statement.setNull(first + 2, Types.VARCHAR);
    } else {
      statement.setString(first + 2, pathKey);
    }
    FileStat stat = entry.stat();
    if (stat == null) {
      statement.setNull(first + 3, Types.INTEGER);
      statement.setNull(first + 4, Types.INTEGER);
      statement.setNull(first + 5, Types.INTEGER);
    } else {
      statement.setLong(first + 3, stat.size());
      statement.setLong(first + 4, stat.mtimeNanos());
      statement.setLong(first + 5, stat.inode());
    }
    Integer mode = fileMode(entry.item());
    if (mode == null) {
      statement.setNull(first + 6, Types.INTEGER);
    } else {
      statement.setInt(first + 6, mode);
    }
  }

  /** Reads the seven columns from {@code first} on; null when the item column is NULL. */
  static @Nullable SnapshotEntry read(ResultSet result, int first, Sql sql)
      throws SQLException, SnapshotException {
    byte[] bytes = result.getBytes(first);
    if (bytes == null) {
      return null;
    }
    Item item;
    try {
      item = Item.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SnapshotException(
          "the snapshot " + sql.file + " holds an item that does not decode: " + e.getMessage(), e);
    }
    ByteString version = ByteString.copyFrom(result.getBytes(first + 1));
    @Nullable String pathKey = result.getString(first + 2);
    long size = result.getLong(first + 3);
    FileStat stat =
        result.wasNull()
            ? null
            : new FileStat(size, result.getLong(first + 4), result.getLong(first + 5));
    return new SnapshotEntry(item, version, pathKey, stat);
  }
}
