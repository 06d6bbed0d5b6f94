package dev.deltasync.engine.chunk;

import java.util.Random;
import java.util.SplittableRandom;

/** Seeded test data. */
final class RandomBytes {
  private RandomBytes() {}

  /**
   * {@code size} bytes from {@link Random}, whose algorithm its Javadoc specifies: the same on
   * every JDK, so fit for golden values.
   */
  static byte[] stable(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  /** {@code size} bytes from {@link SplittableRandom}: fast, for properties rather than goldens. */
  static byte[] fast(int size, long seed) {
    byte[] data = new byte[size];
    new SplittableRandom(seed).nextBytes(data);
    return data;
  }

  /**
   * A seed for a test that must hold for every seed: {@code -Ddeltasync.test.seed=N} replays one,
   * otherwise a new one each run. Tests name it in their assertion messages.
   */
  static long seed() {
    Long fixed = Long.getLong("deltasync.test.seed");
    return fixed != null ? fixed : new SplittableRandom().nextLong();
  }
}
