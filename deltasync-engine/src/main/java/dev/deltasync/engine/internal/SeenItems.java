package dev.deltasync.engine.internal;

import dev.deltasync.engine.snapshot.Hash64;

/**
 * The ids (or path keys) a scan found, as 64-bit hashes in an open-addressing table: about 16 bytes
 * per item, so a million items cost 16 MiB rather than the snapshot itself. A hash collision (odds
 * of about 1e-8 for a million items) could only hide one delete until the next scan; where more is
 * at stake, the caller confirms a hit exactly.
 */
final class SeenItems {
  private long[] table = new long[1024];
  private int size;
  private boolean zeroSeen;

  /** Makes room for {@code count} ids at once, so that adding them does not grow the table. */
  void expect(long count) {
    long wanted = Math.min(1L << 30, Math.max(table.length, count * 2));
    if (wanted > table.length) {
      long[] bigger = new long[Integer.highestOneBit((int) wanted - 1) << 1];
      for (long hash : table) {
        if (hash != 0) {
          insert(bigger, hash);
        }
      }
      table = bigger;
    }
  }

  /** Adds an id; false when its hash was there already (the same id, or a collision). */
  boolean add(String id) {
    return addHash(hash(id));
  }

  /** Adds an id by its {@link Hash64} hash; false when the hash was there already. */
  boolean addHash(long hash) {
    if (hash == 0) {
      boolean added = !zeroSeen;
      zeroSeen = true;
      return added;
    }
    if ((size + 1) * 2L > table.length) {
      grow();
    }
    if (insert(table, hash)) {
      size++;
      return true;
    }
    return false;
  }

  /** The table's number of slots (for tests). */
  int capacity() {
    return table.length;
  }

  /** How many distinct ids were added. */
  long size() {
    return size + (zeroSeen ? 1 : 0);
  }

  boolean contains(String id) {
    long hash = hash(id);
    if (hash == 0) {
      return zeroSeen;
    }
    int mask = table.length - 1;
    for (int i = (int) (hash ^ (hash >>> 32)) & mask; ; i = (i + 1) & mask) {
      if (table[i] == hash) {
        return true;
      }
      if (table[i] == 0) {
        return false;
      }
    }
  }

  private static boolean insert(long[] table, long hash) {
    int mask = table.length - 1;
    for (int i = (int) (hash ^ (hash >>> 32)) & mask; ; i = (i + 1) & mask) {
      if (table[i] == hash) {
        return false;
      }
      if (table[i] == 0) {
        table[i] = hash;
        return true;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[table.length * 2];
    for (long hash : table) {
      if (hash != 0) {
        insert(bigger, hash);
      }
    }
    table = bigger;
  }

  static long hash(String id) {
    return Hash64.of(id);
  }
}
