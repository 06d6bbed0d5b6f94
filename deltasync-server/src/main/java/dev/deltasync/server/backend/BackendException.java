package dev.deltasync.server.backend;

import java.io.IOException;

/**
 * A backend failure underneath (database, disk, network): the request failed and may be retried.
 * Refusals that are the caller's fault are results, not exceptions.
 */
public class BackendException extends IOException {
  private static final long serialVersionUID = 1L;

  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }

  public BackendException(String message) {
    super(message);
  }

  /** A name is taken (a user or device name). */
  public static final class NameTaken extends BackendException {
    private static final long serialVersionUID = 1L;

    public NameTaken(String message) {
      super(message);
    }
  }
}
