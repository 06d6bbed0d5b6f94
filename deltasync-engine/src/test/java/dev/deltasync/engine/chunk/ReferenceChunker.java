package dev.deltasync.engine.chunk;

import java.util.ArrayList;
import java.util.List;

/**
 * FastCDC written as plainly as the papers' pseudocode, one byte at a time with one hash carried
 * through the chunk: the yardstick for {@link FastCdc}'s optimized loop. Slow; tests only.
 */
final class ReferenceChunker {
  private final ChunkerParameters parameters;
  private final long[] gear = GearTable.generate();

  ReferenceChunker(ChunkerParameters parameters) {
    this.parameters = parameters;
  }

  /** The chunk lengths of {@code data}, a whole input. */
  List<Integer> lengths(byte[] data) {
    List<Integer> lengths = new ArrayList<>();
    int start = 0;
    while (start < data.length) {
      int length = length(data, start);
      lengths.add(length);
      start += length;
    }
    return lengths;
  }

  private int length(byte[] data, int start) {
    int available = data.length - start;
    if (available <= parameters.minSize()) {
      return available;
    }
    int bits = Integer.numberOfTrailingZeros(parameters.averageSize());
    long strict = -1L << (64 - (bits + parameters.normalization()));
    long loose = -1L << (64 - (bits - parameters.normalization()));
    int limit = Math.min(available, parameters.maxSize());
    long hash = 0;
    for (int length = parameters.minSize() + 1; length <= limit; length++) {
      hash = (hash << 1) + gear[data[start + length - 1] & 0xFF];
      long mask = length <= parameters.averageSize() ? strict : loose;
      if ((hash & mask) == 0) {
        return length;
      }
    }
    return limit;
  }
}
