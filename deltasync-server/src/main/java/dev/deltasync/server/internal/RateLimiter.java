package dev.deltasync.server.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per key (a client address, a user name): {@code capacity} attempts at once, then
 * one more every {@code refillMillis}. Kept in this process's memory: with several server processes
 * each limits on its own, which still bounds guessing to a small multiple. Buckets that are full
 * again are dropped, so memory stays bounded by the keys active in the last few minutes.
 */
final class RateLimiter {
  private final int capacity;
  private final long refillMillis;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  RateLimiter(int capacity, long refillMillis, LongSupplier clock) {
    this.capacity = capacity;
    this.refillMillis = refillMillis;
    this.clock = clock;
  }

  /** Seconds until {@code key} may try again (0: now), without taking an attempt. */
  long waitFor(String key) {
    long now = clock.getAsLong();
    long[] wait = {0};
    buckets.computeIfPresent(
        key,
        (k, b) -> {
          refill(b, now);
          wait[0] = secondsToWait(b);
          return b;
        });
    return wait[0];
  }

  /**
   * Takes one attempt for {@code key}.
   *
   * @return 0 when allowed, otherwise the seconds to wait
   */
  long acquire(String key) {
    long now = clock.getAsLong();
    long[] wait = {0};
    buckets.compute(
        key,
        (k, bucket) -> {
          Bucket b = bucket == null ? new Bucket(capacity, now) : bucket;
          refill(b, now);
          wait[0] = secondsToWait(b);
          if (wait[0] == 0) {
            b.tokens -= 1;
          }
          return b;
        });
    if (buckets.size() > 10_000) {
      buckets
          .entrySet()
          .removeIf(e ->
              e.getValue().tokens + (now - e.getValue().updated) / (double) refillMillis
                  >= capacity);
    }
    return wait[0];
  }

  private void refill(Bucket bucket, long now) {
    bucket.tokens =
        Math.min(capacity, bucket.tokens + (now - bucket.updated) / (double) refillMillis);
    bucket.updated = now;
  }

  /** 0 when the bucket has an attempt left, otherwise the whole seconds until it has one. */
  private long secondsToWait(Bucket bucket) {
    return bucket.tokens >= 1
        ? 0
        : Math.max(1, (long) Math.ceil((1 - bucket.tokens) * refillMillis / 1000.0));
  }
}
