package dev.deltasync.engine;

import java.io.IOException;

/**
 * A sync refused to go on for a reason the user must look at (the delete safeguard, a store that
 * does not follow from this device's state); the message says what and what to do. Nothing was
 * committed.
 */
public final class SyncException extends IOException {
  private static final long serialVersionUID = 1L;

  public SyncException(String message) {
    super(message);
  }

  public SyncException(String message, Throwable cause) {
    super(message, cause);
  }
}
