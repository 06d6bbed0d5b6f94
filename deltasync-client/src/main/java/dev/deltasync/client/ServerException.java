package dev.deltasync.client;

import dev.deltasync.engine.store.StoreException;

/**
 * The server refused a request with an error answer ({@code application/problem+json}). The message
 * says what was asked, what the server said ({@code detail}) and the HTTP status; it never contains
 * a token or password.
 */
public class ServerException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;

  /**
   * @param message what failed and what to do
   * @param status the HTTP status
   * @param type the problem type's slug (such as {@code head-moved}), or empty when the answer was
   *     not a problem document
   */
  public ServerException(String message, int status, String type) {
    super(message);
    this.status = status;
    this.type = type;
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
  }

  /**
   * The problem type's slug, the last part of its {@code type} URI (such as {@code head-moved}), or
   * empty when the answer was not a problem document.
   */
  public String type() {
    return type;
  }
}
