package dev.deltasync.client;

/** A running push-channel subscription; {@link #close()} ends it and its connection. */
public interface Subscription extends AutoCloseable {
  /** Whether the channel is connected now (the server's first event has arrived). */
  boolean connected();

  /** Ends the subscription; the listener hears nothing more after this returns. Idempotent. */
  @Override
  void close();
}
