package dev.deltasync.engine.store;

/**
 * A set of chunk ids in one {@code long[]} and one {@code boolean[]}: 33 bytes per slot, at most
 * three quarters of the slots used, no object per id. It grows up to {@code maxSlots} slots and
 * then takes no more ids: {@link #add} says so, and the caller treats an id it could not add as
 * unknown. Ids are SHA-256 values, so the low bits of their first 8 bytes serve as the hash. For
 * the engine's own use (in the store package only because it reads the ids' bytes). Not
 * thread-safe.
 */
public final class ChunkIdSet {
  private static final int WORDS = ChunkId.BYTES / Long.BYTES;
  private static final int FIRST_SLOTS = 1024;

  /** The most slots any set may have: its {@code long[]} indexes stay within an int. */
  public static final int MAX_SLOTS = 1 << 26;

  private final int maxSlots;
  private long[] words;
  private boolean[] used;
  private int size;

  /**
   * @param maxSlots the most slots the set may take (a power of two from 1024 to {@link
   *     #MAX_SLOTS}); it holds at most three quarters as many ids, in {@code maxSlots} × 33 bytes
   *     (and, while it grows to them, half as many again)
   */
  public ChunkIdSet(int maxSlots) {
    if (maxSlots < FIRST_SLOTS || maxSlots > MAX_SLOTS || Integer.bitCount(maxSlots) != 1) {
      throw new IllegalArgumentException(
          "the most slots must be a power of two from "
              + FIRST_SLOTS
              + " to "
              + MAX_SLOTS
              + ": "
              + maxSlots);
    }
    this.maxSlots = maxSlots;
    this.words = new long[FIRST_SLOTS * WORDS];
    this.used = new boolean[FIRST_SLOTS];
  }

  /** The number of ids held. */
  public int size() {
    return size;
  }

  /**
   * Adds {@code id}; returns false, and holds it not, when the set is full (held already: true).
   */
  public boolean add(ChunkId id) {
    int slot = find(id);
    if (used[slot]) {
      return true;
    }
    if (4L * (size + 1) > 3L * used.length) {
      if (used.length == maxSlots) {
        return false;
      }
      grow();
      slot = find(id);
    }
    used[slot] = true;
    for (int w = 0; w < WORDS; w++) {
      words[slot * WORDS + w] = id.word(w);
    }
    size++;
    return true;
  }

  /** Whether {@code id} is held. */
  public boolean contains(ChunkId id) {
    return used[find(id)];
  }

  /**
   * The slot that holds {@code id}, or else the free slot its probe reaches (there is one: at most
   * three quarters of the slots are used).
   */
  private int find(ChunkId id) {
    int slot = start(id.word(0));
    while (used[slot] && !holds(slot, id)) {
      slot = next(slot);
    }
    return slot;
  }

  private int start(long firstWord) {
    return (int) firstWord & (used.length - 1);
  }

  private int next(int slot) {
    return (slot + 1) & (used.length - 1);
  }

  private boolean holds(int slot, ChunkId id) {
    for (int w = 0; w < WORDS; w++) {
      if (words[slot * WORDS + w] != id.word(w)) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    long[] oldWords = words;
    boolean[] oldUsed = used;
    words = new long[oldUsed.length * 2 * WORDS];
    used = new boolean[oldUsed.length * 2];
    for (int old = 0; old < oldUsed.length; old++) {
      if (!oldUsed[old]) {
        continue;
      }
      int slot = start(oldWords[old * WORDS]);
      while (used[slot]) { // the ids are distinct: only a free slot is looked for
        slot = next(slot);
      }
      used[slot] = true;
      System.arraycopy(oldWords, old * WORDS, words, slot * WORDS, WORDS);
    }
  }
}
