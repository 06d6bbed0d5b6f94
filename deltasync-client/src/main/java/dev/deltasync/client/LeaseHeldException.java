package dev.deltasync.client;

import java.time.Duration;

/** Another device holds the lease on the collection; try again after {@link #retryAfter()}. */
public final class LeaseHeldException extends ServerException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public LeaseHeldException(String message, Duration retryAfter) {
    super(message, 409, "lease-held");
    this.retryAfter = retryAfter;
  }

  /** When the other device's lease ends at the latest, as the server sees it. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
