package dev.deltasync.engine.chunk;

/**
 * The gear table of {@link FastCdc}: 256 pseudo-random 64-bit values, one per byte value.
 *
 * <p>The table is part of the on-disk behaviour: where content is cut decides which chunk ids a
 * device stores and sends, so every device and every version must use the same table. It is
 * generated, not typed in: {@code GEAR[i]} is the {@code (i+1)}-th output of SplitMix64 (Steele,
 * Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) started from the
 * fixed seed {@link #SEED}. {@code GearTableTest} pins the result with a golden hash; changing the
 * seed or the generator is a format change.
 */
final class GearTable {
  /** The seed: the ASCII bytes of {@code "deltasyn"}, big-endian. */
  static final long SEED = 0x64656C746173796EL;

  /** SplitMix64's increment, the golden ratio in 64-bit fixed point. */
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private GearTable() {}

  /** A new copy of the table. */
  static long[] generate() {
    long[] table = new long[256];
    long state = SEED;
    for (int i = 0; i < table.length; i++) {
      state += GOLDEN_GAMMA;
      table[i] = mix(state);
    }
    return table;
  }

  /** SplitMix64's output function (variant 13 of Stafford's mixers). */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
