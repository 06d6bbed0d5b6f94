package dev.deltasync.engine.snapshot;

import java.io.IOException;

/** The snapshot database cannot be opened or used; the message says why and what to do. */
public final class SnapshotException extends IOException {
  private static final long serialVersionUID = 1L;

  public SnapshotException(String message) {
    super(message);
  }

  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
