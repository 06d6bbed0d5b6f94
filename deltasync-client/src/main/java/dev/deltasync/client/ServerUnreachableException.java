package dev.deltasync.client;

import java.io.IOException;

/**
 * No connection to the server could be made (unknown host, connection refused, connect timeout),
 * not even after the retries. Nothing was sent; trying again later is safe. The message names the
 * server's address and says what to check.
 */
public final class ServerUnreachableException extends IOException {
  private static final long serialVersionUID = 1L;

  public ServerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
