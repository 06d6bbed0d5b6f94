package dev.deltasync.client;

/**
 * This device's lease on a collection has expired or was replaced, or an append carried a fencing
 * number that is no longer the lease's (HTTP 409 {@code lease-lost} or {@code lease-fenced}).
 * Nothing was written: take a new lease, pull, and start again.
 */
public final class LeaseLostException extends ServerException {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(String message, String type) {
    super(message, 409, type);
  }
}
