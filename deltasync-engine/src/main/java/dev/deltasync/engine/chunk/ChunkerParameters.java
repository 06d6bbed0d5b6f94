package dev.deltasync.engine.chunk;

/**
 * The sizes that steer {@link FastCdc}: a chunk is at least {@code minSize} and at most {@code
 * maxSize} bytes long (only the last chunk of an input may be shorter than {@code minSize}), and
 * about {@code averageSize} on average. Immutable.
 *
 * <p>These values, like the gear table, decide where content is cut: two devices find the same
 * chunks in the same content only with the same parameters. Use {@link #DEFAULT} unless a benchmark
 * says otherwise; docs/benchmarks.md records why it was chosen.
 *
 * @param minSize no cut point is looked for in a chunk's first {@code minSize} bytes ("cut-point
 *     skipping"); at least {@value #MIN_SIZE_LIMIT}, the width of the gear hash's window
 * @param averageSize the target average, a power of two greater than {@code minSize}; it sets the
 *     number of mask bits, and chunks shorter than it are cut with the stricter mask
 * @param maxSize a chunk is cut here when no cut point was found before; greater than {@code
 *     averageSize} and at most {@value #MAX_SIZE_LIMIT}
 * @param normalization the normalization level of normalized chunking, 0 to {@value
 *     #MAX_NORMALIZATION}: before {@code averageSize} the mask has this many bits more, after it
 *     this many bits fewer, which draws chunk lengths towards the average; 0 turns it off
 */
public record ChunkerParameters(int minSize, int averageSize, int maxSize, int normalization) {
  /** The smallest allowed {@code minSize}: the gear hash sees the last 64 bytes. */
  public static final int MIN_SIZE_LIMIT = 64;

  /** The largest allowed {@code maxSize}, 16 MiB: the streaming chunker buffers 4 × maxSize. */
  public static final int MAX_SIZE_LIMIT = 16 * 1024 * 1024;

  /** The largest allowed normalization level. */
  public static final int MAX_NORMALIZATION = 3;

  /**
   * The defaults of deltasync format v1: 4 KiB minimum, 16 KiB average, 64 KiB maximum,
   * normalization level 2 (the papers' proportions: minimum = average / 4, level 2). Over random
   * content the mean chunk is 18,585 bytes (the skipped minimum adds to the average), and a small
   * edit costs about 21 KB of new chunks. docs/benchmarks.md ("Chunking") compares the candidates.
   */
  public static final ChunkerParameters DEFAULT = new ChunkerParameters(4096, 16384, 65536, 2);

  /**
   * Validates the sizes.
   *
   * @throws IllegalArgumentException naming the first size that is out of range, and its value
   */
  public ChunkerParameters {
    if (minSize < MIN_SIZE_LIMIT) {
      throw new IllegalArgumentException(
          "minimum chunk size must be at least " + MIN_SIZE_LIMIT + " bytes, was " + minSize);
    }
    if (Integer.bitCount(averageSize) != 1) {
      throw new IllegalArgumentException(
          "average chunk size must be a power of two, was " + averageSize);
    }
    if (averageSize <= minSize) {
      throw new IllegalArgumentException(
          "average chunk size must be greater than the minimum ("
              + minSize
              + "), was "
              + averageSize);
    }
    if (maxSize <= averageSize) {
      throw new IllegalArgumentException(
          "maximum chunk size must be greater than the average ("
              + averageSize
              + "), was "
              + maxSize);
    }
    if (maxSize > MAX_SIZE_LIMIT) {
      throw new IllegalArgumentException(
          "maximum chunk size must be at most " + MAX_SIZE_LIMIT + " bytes, was " + maxSize);
    }
    if (normalization < 0 || normalization > MAX_NORMALIZATION) {
      throw new IllegalArgumentException(
          "normalization level must be between 0 and "
              + MAX_NORMALIZATION
              + ", was "
              + normalization);
    }
  }

  /** The given sizes with normalization level 2. */
  public static ChunkerParameters of(int minSize, int averageSize, int maxSize) {
    return new ChunkerParameters(minSize, averageSize, maxSize, 2);
  }
}
