package dev.deltasync.engine.store;

import java.io.IOException;

/**
 * A store refused an operation for a reason of its own (as opposed to an I/O failure underneath):
 * the message says what and what to do. Subclasses name the cases callers react to.
 */
public class StoreException extends IOException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A log, chunk or collection that the store does not have. */
  public static final class NotFound extends StoreException {
    private static final long serialVersionUID = 1L;

    public NotFound(String message) {
      super(message);
    }
  }

  /** Stored bytes that do not match their hash or format: the store is damaged. */
  public static final class Corrupt extends StoreException {
    private static final long serialVersionUID = 1L;

    public Corrupt(String message, Throwable cause) {
      super(message, cause);
    }

    public Corrupt(String message) {
      super(message);
    }
  }

  /** A log whose header does not belong here (other user or collection, bad format). */
  public static final class Rejected extends StoreException {
    private static final long serialVersionUID = 1L;

    public Rejected(String message, Throwable cause) {
      super(message, cause);
    }

    public Rejected(String message) {
      super(message);
    }
  }
}
