package dev.deltasync.cli;

import java.util.ArrayDeque;

/**
 * The counts of one phase of a sync, with its rate over the last {@link #WINDOW_NANOS} and the time
 * it still needs when its totals are known. Times are {@link System#nanoTime()} readings.
 */
final class ProgressMeter {
  static final long WINDOW_NANOS = 5_000_000_000L;
  private static final long SAMPLE_NANOS = 200_000_000L;

  final long started;
  long totalItems;
  long totalBytes;
  private long items;
  private long bytes;

  /** {time, items, bytes} at most every {@link #SAMPLE_NANOS}, reaching back a window or more. */
  private final ArrayDeque<long[]> samples = new ArrayDeque<>();

  ProgressMeter(long now, long totalItems, long totalBytes) {
    this.started = now;
    this.totalItems = totalItems;
    this.totalBytes = totalBytes;
    samples.add(new long[] {now, 0, 0});
  }

  /** The totals as the sync knows them now (-1: not known). */
  void total(long items, long bytes) {
    totalItems = items;
    totalBytes = bytes;
  }

  void advance(long now, long moreItems, long moreBytes) {
    items += moreItems;
    bytes += moreBytes;
    if (now - samples.getLast()[0] >= SAMPLE_NANOS) {
      samples.add(new long[] {now, items, bytes});
    }
    while (samples.size() > 2 && now - samplesSecond()[0] >= WINDOW_NANOS) {
      samples.removeFirst();
    }
  }

  private long[] samplesSecond() {
    var it = samples.iterator();
    it.next();
    return it.next();
  }

  long items() {
    return items;
  }

  long bytes() {
    return bytes;
  }

  boolean counted() {
    return items > 0 || bytes > 0;
  }

  /** Bytes per second lately; 0 before any time has passed. */
  double byteRate(long now) {
    return rate(now, 2, bytes);
  }

  /** Items per second lately; 0 before any time has passed. */
  double itemRate(long now) {
    return rate(now, 1, items);
  }

  private double rate(long now, int field, long count) {
    long[] first = samples.getFirst();
    long elapsed = now - first[0];
    return elapsed <= 0 ? 0 : (count - first[field]) * 1e9 / elapsed;
  }

  /**
   * Seconds the phase still needs at its recent rate, by bytes when their total is known, else by
   * items; -1 when neither total is known or nothing moved lately.
   */
  long secondsLeft(long now) {
    if (totalBytes >= 0 && byteRate(now) > 0) {
      return (long) Math.ceil(Math.max(0, totalBytes - bytes) / byteRate(now));
    }
    if (totalItems >= 0 && itemRate(now) > 0) {
      return (long) Math.ceil(Math.max(0, totalItems - items) / itemRate(now));
    }
    return -1;
  }
}
