package dev.deltasync.engine.snapshot;

import dev.deltasync.engine.ItemVersions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The stat cache of the snapshot's files, compact, for a scan's fast path: per file item with a
 * stat, the hash of its path key, a fingerprint of what the source saw (exact path, size, mtime,
 * inode, executable bit) and the hash of its id — 24 bytes in an open-addressing table, against
 * ~500 for the item, read with one pass over the items table instead of one query per file. A file
 * whose path key and fingerprint match is unchanged, known without a query or decoding its item.
 *
 * <p>Hashes are 64 bits ({@link Hash64}): two path keys with one hash are both left to the slow
 * path; a changed file whose fingerprint collides with its old one (odds of about 1 in 10^19) would
 * be taken for unchanged until it changes again.
 *
 * <p>The index can be saved beside the snapshot database ({@link #save}), tagged with the stamp of
 * the snapshot state it was read from ({@link SnapshotStore}: the database's id and the id of its
 * last commit), so that the next sync reads 24 bytes per file from one file instead of the items
 * table. A saved index is a cache: it is used only when its stamp is the snapshot's current one,
 * its layout version is this one and its checksum holds; otherwise the items table is read.
 */
public final class StatIndex {
  /** Marks a slot whose key hash two items share: never matches. */
  private static final long AMBIGUOUS = 0;

  /** Starts a saved index: "dsstatix" in ASCII. */
  private static final long SAVED_MAGIC = 0x6473737461746978L;

  /** The layout of a saved index; another value is not read. */
  private static final int SAVED_LAYOUT = 1;

  /** Magic, layout, stamp length, count; then the stamp, the entries and a CRC-32C. */
  private static final int SAVED_HEADER_BYTES = 8 + 4 + 4 + 4;

  private static final int SAVED_ENTRY_BYTES = 3 * Long.BYTES;

  /** Larger saved indexes (over 80 million files) are not saved: the items table is read. */
  private static final long MAX_SAVED_BYTES = Integer.MAX_VALUE - 64;

  /**
   * The table: per slot its key hash, fingerprint and id hash side by side ({@link #KEY}, {@link
   * #PRINT}, {@link #ID} after {@code 3 × slot}), so that a look-up reads one or two cache lines,
   * not one per value in three arrays.
   */
  private final long[] slots;

  private static final int KEY = 0;
  private static final int PRINT = 1;
  private static final int ID = 2;

  private final int capacity;
  private final int mask;
  private int size;

  private StatIndex(int expected) {
    int wanted = Math.max(16, expected + expected / 3 + 1); // at most 3/4 full
    capacity = Integer.highestOneBit(wanted - 1) << 1;
    slots = new long[3 * capacity];
    mask = capacity - 1;
  }

  /** Reads the index of the snapshot's files: one pass over the items table. */
  static StatIndex load(Sql sql) throws IOException {
    try {
      long count;
      try (ResultSet result = sql.prepare("SELECT count(*) FROM items").executeQuery()) {
        count = result.next() ? result.getLong(1) : 0;
      }
      StatIndex index = new StatIndex((int) Math.min(count, 1 << 28));
      // A plain table scan: a WHERE on path_key would walk the partial index and look every row up.
      try (ResultSet result =
          sql.prepare(
                  "SELECT path_key, path, stat_size, stat_mtime, stat_inode, file_mode, item_id"
                      + " FROM items")
              .executeQuery()) {
        while (result.next()) {
          // Bytes, not strings: hashed without decoding (Hash64.ofUtf8).
          byte[] pathKey = result.getBytes(1);
          byte[] path = result.getBytes(2);
          long size = result.getLong(3);
          if (pathKey == null || path == null || result.wasNull()) {
            continue; // a record, or a file read too recently to trust its stat
          }
          long mtime = result.getLong(4);
          long inode = result.getLong(5);
          int mode = result.getInt(6);
          if (result.wasNull()) {
            continue; // not a file
          }
          index.add(
              Hash64.ofUtf8(pathKey),
              fingerprint(path, new FileStat(size, mtime, inode), ItemVersions.isExecutable(mode)),
              Hash64.ofUtf8(result.getBytes(7)));
        }
      }
      return index;
    } catch (SQLException e) {
      throw sql.failure("read the stat cache", e);
    }
  }

  /** Where the index of the snapshot database {@code database} is saved: a file beside it. */
  static Path savedBeside(Path database) {
    return database.resolveSibling(database.getFileName() + ".stat-index");
  }

  /**
   * Saves this index to {@code file} for the snapshot state {@code stamp}: written to a temporary
   * file beside it and renamed over it, so a reader sees a whole file or none. Not fsynced: after a
   * crash a lost or torn file is only not used.
   */
  void save(Path file, String stamp) throws IOException {
    byte[] stampBytes = stamp.getBytes(StandardCharsets.UTF_8);
    long length =
        SAVED_HEADER_BYTES + (long) stampBytes.length + (long) size * SAVED_ENTRY_BYTES + 4;
    if (length > MAX_SAVED_BYTES) {
      Files.deleteIfExists(file); // the next sync reads the items table
      return;
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) length);
    bytes.putLong(SAVED_MAGIC).putInt(SAVED_LAYOUT).putInt(stampBytes.length).putInt(size);
    bytes.put(stampBytes);
    for (int at = 0; at < slots.length; at += 3) {
      if (slots[at + KEY] != 0) {
        bytes.putLong(slots[at + KEY]).putLong(slots[at + PRINT]).putLong(slots[at + ID]);
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes.array(), 0, bytes.position());
    bytes.putInt((int) crc.getValue());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(temporary, bytes.array());
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * The index saved in {@code file} ({@link #save}) if it was saved for the snapshot state {@code
   * stamp} and is whole; null when there is none, or it is of another state, another layout, cut
   * short, damaged or cannot be read.
   */
  static @Nullable StatIndex readSaved(Path file, String stamp) {
    try {
      return read(file, stamp);
    } catch (IOException | RuntimeException e) {
      return null; // unreadable (not a file, no permission, ...): as if there were none
    }
  }

  private static @Nullable StatIndex read(Path file, String stamp) throws IOException {
    byte[] saved;
    try {
      if (Files.size(file) > MAX_SAVED_BYTES) {
        return null;
      }
      saved = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    ByteBuffer bytes = ByteBuffer.wrap(saved);
    if (saved.length < SAVED_HEADER_BYTES + Integer.BYTES
        || bytes.getLong() != SAVED_MAGIC
        || bytes.getInt() != SAVED_LAYOUT) {
      return null;
    }
    int stampLength = bytes.getInt();
    int count = bytes.getInt();
    long expected =
        SAVED_HEADER_BYTES + (long) stampLength + (long) count * SAVED_ENTRY_BYTES + Integer.BYTES;
    if (stampLength < 0 || count < 0 || expected != saved.length) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(saved, 0, saved.length - Integer.BYTES);
    if ((int) crc.getValue()
        != ByteBuffer.wrap(saved, saved.length - Integer.BYTES, Integer.BYTES).getInt()) {
      return null;
    }
    String savedStamp = new String(saved, bytes.position(), stampLength, StandardCharsets.UTF_8);
    if (!savedStamp.equals(stamp)) {
      return null;
    }
    bytes.position(bytes.position() + stampLength);
    StatIndex index = new StatIndex(count);
    for (int i = 0; i < count; i++) {
      index.add(bytes.getLong(), bytes.getLong(), bytes.getLong());
    }
    return index;
  }

  /** An index of nothing (for tests and sources without files). */
  public static StatIndex empty() {
    return new StatIndex(0);
  }

  /** The number of files indexed (those whose key hash is shared count too). */
  public int size() {
    return size;
  }

  /**
   * The {@link Hash64} hash of the id of the file item at {@code pathKey}, if the snapshot has one
   * there with exactly this path, last read with this stat and with this executable bit; else 0.
   */
  public long unchangedId(String pathKey, String path, FileStat stat, boolean executable) {
    return unchangedId(Hash64.of(pathKey), pathHash(path), stat, executable);
  }

  /**
   * As {@link #unchangedId(String, String, FileStat, boolean)}, with the path key's {@link Hash64}
   * and {@link #pathHash} of the path, which a scan computes once for several uses.
   */
  public long unchangedId(long keyHash, long pathHash, FileStat stat, boolean executable) {
    int at = find(keyHash);
    if (at < 0
        || slots[at + PRINT] == AMBIGUOUS
        || slots[at + PRINT] != fingerprint(pathHash, stat, executable)) {
      return 0;
    }
    return slots[at + ID];
  }

  private void add(long key, long print, long id) {
    if (size + 1 > (long) capacity * 3 / 4) {
      return; // more rows than counted (a concurrent writer): they take the slow path
    }
    int found = find(key);
    if (found >= 0) {
      slots[found + PRINT] = AMBIGUOUS;
      return;
    }
    long stored = key == 0 ? 1 : key; // 0 marks a free slot
    int i = home(stored); // where find looks first
    while (slots[3 * i + KEY] != 0) {
      i = (i + 1) & mask;
    }
    int at = 3 * i;
    slots[at + KEY] = stored;
    slots[at + PRINT] = print == AMBIGUOUS || id == 0 ? AMBIGUOUS : print;
    slots[at + ID] = id;
    size++;
  }

  /** Where the slot of {@code key} starts in {@link #slots}; -1 when there is none. */
  private int find(long key) {
    long stored = key == 0 ? 1 : key;
    for (int i = home(stored); ; i = (i + 1) & mask) {
      long here = slots[3 * i + KEY];
      if (here == stored) {
        return 3 * i;
      }
      if (here == 0) {
        return -1;
      }
    }
  }

  private int home(long key) {
    return (int) (key ^ (key >>> 32)) & mask;
  }

  /** What the source saw of a file, as one hash. */
  static long fingerprint(String path, FileStat stat, boolean executable) {
    return fingerprint(pathHash(path), stat, executable);
  }

  /**
   * The hash of a path before its final mix: {@code Hash64.finish(pathHash(text))} is {@code
   * Hash64.of(text)}, so a path that is its own path key is hashed once for both.
   */
  public static long pathHash(String path) {
    return Hash64.add(Hash64.start(), path);
  }

  private static long fingerprint(byte[] path, FileStat stat, boolean executable) {
    return fingerprint(Hash64.addUtf8(Hash64.start(), path), stat, executable);
  }

  private static long fingerprint(long pathHash, FileStat stat, boolean executable) {
    long h = Hash64.add(pathHash, stat.size());
    h = Hash64.add(h, stat.mtimeNanos());
    h = Hash64.add(h, stat.inode());
    h = Hash64.add(h, executable ? 1 : 2);
    return Hash64.finish(h);
  }
}
