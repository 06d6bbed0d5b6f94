package dev.deltasync.client.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** What a request authenticates with: the value of its Authorization header. */
public interface Credentials {
  /** The Authorization header's value; fetched for every attempt, so that it can change. */
  String authorization() throws IOException;

  /**
   * Called after a 401 answer: whether the request may be tried once more because the credentials
   * were renewed (an access token forgets itself and is fetched again); false for fixed ones.
   */
  default boolean renewAfterRejection() {
    return false;
  }

  /** A bearer token (admin or device token). */
  static Credentials bearer(String token) {
    String header = "Bearer " + token;
    return () -> header;
  }

  /** A user name and password, sent with HTTP Basic. */
  static Credentials basic(String user, String password) {
    String header =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return () -> header;
  }
}
