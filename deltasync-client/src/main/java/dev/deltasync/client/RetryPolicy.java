package dev.deltasync.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a request is retried after a connection failure, a 5xx answer or a
 * 429 (too many requests). Waits grow exponentially from {@code initialDelay} to at most {@code
 * maxDelay}, each with random jitter (half of it fixed, half random), and never shorter than a
 * Retry-After the server sent. Only requests that are safe to repeat are retried after an answer
 * may have been lost; a request the server never received (connection refused) is always retried.
 *
 * @param maxAttempts attempts in all, at least 1 (1: no retries)
 * @param initialDelay the wait before the first retry
 * @param maxDelay the longest wait between two attempts
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    }
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "the delays must satisfy 0 <= initialDelay <= maxDelay, not "
              + initialDelay
              + " and "
              + maxDelay);
    }
  }

  /** Six attempts, waiting from 250 ms up to 8 s: about 15 s in all before giving up. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(6, Duration.ofMillis(250), Duration.ofSeconds(8));
  }

  /** One attempt, no retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }
}
