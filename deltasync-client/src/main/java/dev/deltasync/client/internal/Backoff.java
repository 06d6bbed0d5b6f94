package dev.deltasync.client.internal;

import dev.deltasync.client.RetryPolicy;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** Waits between attempts: exponential, capped, with jitter. */
public final class Backoff {
  private final RetryPolicy policy;

  public Backoff(RetryPolicy policy) {
    this.policy = policy;
  }

  /**
   * The wait after {@code failures} failed attempts in a row (1 or more): half of {@code initial ×
   * 2^(failures-1)}, capped at the maximum, plus a random share of the other half.
   */
  public Duration delay(int failures) {
    double initial = policy.initialDelay().toNanos();
    double max = policy.maxDelay().toNanos();
    long full = (long) Math.min(max, initial * Math.pow(2, Math.max(0, failures - 1)));
    long half = full / 2;
    return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(full - half + 1));
  }

  /** Sleeps, turning an interrupt into {@link InterruptedIOException} (interrupt flag kept). */
  public static void sleep(Duration duration, String what) throws InterruptedIOException {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted =
          new InterruptedIOException("interrupted while waiting to retry: " + what);
      interrupted.initCause(e);
      throw interrupted;
    }
  }

  /** A Retry-After header's wait: seconds or an HTTP date; null when absent or not valid. */
  public static @Nullable Duration retryAfter(@Nullable String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.strip();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 86_400));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
