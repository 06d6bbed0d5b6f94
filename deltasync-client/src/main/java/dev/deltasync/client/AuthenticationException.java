package dev.deltasync.client;

/**
 * The server did not accept the credentials (HTTP 401): a wrong admin token, user name or password,
 * or a device token that is not valid or was revoked. Retrying does not help; the message says what
 * to do instead.
 */
public final class AuthenticationException extends ServerException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message, String type) {
    super(message, 401, type);
  }
}
