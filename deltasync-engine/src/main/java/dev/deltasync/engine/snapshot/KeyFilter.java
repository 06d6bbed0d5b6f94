package dev.deltasync.engine.snapshot;

/**
 * Which keys a table of the scratch database may hold: a Bloom filter (two probes into 2^23 bits, 1
 * MiB, made on the first {@link #add}) that answers "certainly not" without a query. A sync looks
 * up many keys that are not there (in a first sync, every one); each such look-up was a prepared
 * query. "Maybe" is answered by the table itself, so a false positive costs the query and nothing
 * else: about 0.1% of look-ups at 100,000 keys, 5% at a million; past that the filter slowly stops
 * helping, never harming.
 *
 * <p>A key must be added before its row is written (a row written in a transaction that then rolls
 * back leaves a key that is not there: a false positive, harmless). Only for tables that this
 * connection alone writes and that start empty.
 */
final class KeyFilter {
  private static final int BITS_LOG2 = 23;
  private static final int MASK = (1 << BITS_LOG2) - 1;

  private long[] bits = new long[0];

  void add(String key) {
    if (bits.length == 0) {
      bits = new long[1 << (BITS_LOG2 - 6)];
    }
    long h = Hash64.of(key);
    set((int) h & MASK);
    set((int) (h >>> 32) & MASK);
  }

  /** False when {@code key} was never added. */
  boolean mightContain(String key) {
    if (bits.length == 0) {
      return false;
    }
    long h = Hash64.of(key);
    return isSet((int) h & MASK) && isSet((int) (h >>> 32) & MASK);
  }

  private void set(int bit) {
    bits[bit >>> 6] |= 1L << bit;
  }

  private boolean isSet(int bit) {
    return (bits[bit >>> 6] & (1L << bit)) != 0;
  }
}
