package dev.deltasync.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A server clock that moves only when a test says so. */
final class FakeClock implements LongSupplier {
  private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);

  @Override
  public long getAsLong() {
    return millis.get();
  }

  void advance(Duration duration) {
    millis.addAndGet(duration.toMillis());
  }
}
