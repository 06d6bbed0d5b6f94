package dev.deltasync.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to reach a server and how to behave there. {@link #toString()} never shows the device token.
 *
 * @param server the server's base URL ({@code http://host:port} or {@code https://...}, with an
 *     optional path prefix when it runs behind a proxy)
 * @param deviceToken this device's token from {@link ServerClient#registerDevice}; null for a
 *     client that only creates users and registers devices
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for the answer to begin (never applies to the push
 *     channel)
 * @param retry when and how to retry
 * @param singleRequestPackBytes packs up to this size are uploaded in one request; bigger ones in
 *     parts, resumably
 * @param uploadPartBytes the size of one part of a resumable upload
 * @param eventsIdleTimeout the push channel reconnects when it has heard nothing (not even the
 *     server's keep-alive, every 15 s) for this long
 */
public record ClientOptions(
    URI server,
    @Nullable String deviceToken,
    Duration connectTimeout,
    Duration requestTimeout,
    RetryPolicy retry,
    int singleRequestPackBytes,
    int uploadPartBytes,
    Duration eventsIdleTimeout) {
  /** Packs up to 16 MiB go in one request (the engine makes packs of about 4 MiB). */
  public static final int DEFAULT_SINGLE_REQUEST_PACK_BYTES = 16 * 1024 * 1024;

  /** Resumable uploads send parts of 8 MiB. */
  public static final int DEFAULT_UPLOAD_PART_BYTES = 8 * 1024 * 1024;

  public ClientOptions {
    server = checkServer(server);
    if (deviceToken != null) {
      checkToken(deviceToken, "the device token");
    }
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
    requirePositive(eventsIdleTimeout, "eventsIdleTimeout");
    Objects.requireNonNull(retry, "retry");
    if (singleRequestPackBytes < 0) {
      throw new IllegalArgumentException("singleRequestPackBytes must not be negative");
    }
    if (uploadPartBytes < 1) {
      throw new IllegalArgumentException("uploadPartBytes must be at least 1");
    }
  }

  /** Defaults for {@code server}: no device token, 10 s to connect, 60 s for an answer. */
  public static ClientOptions of(URI server) {
    return new ClientOptions(
        server,
        null,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        RetryPolicy.defaults(),
        DEFAULT_SINGLE_REQUEST_PACK_BYTES,
        DEFAULT_UPLOAD_PART_BYTES,
        Duration.ofSeconds(45));
  }

  /** See {@link #of(URI)}. */
  public static ClientOptions of(String server) {
    try {
      return of(new URI(server));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "\"" + server + "\" is not a URL; give one like http://127.0.0.1:8440", e);
    }
  }

  public ClientOptions withDeviceToken(@Nullable String token) {
    return new ClientOptions(
        server,
        token,
        connectTimeout,
        requestTimeout,
        retry,
        singleRequestPackBytes,
        uploadPartBytes,
        eventsIdleTimeout);
  }

  public ClientOptions withTimeouts(Duration connect, Duration request) {
    return new ClientOptions(
        server,
        deviceToken,
        connect,
        request,
        retry,
        singleRequestPackBytes,
        uploadPartBytes,
        eventsIdleTimeout);
  }

  public ClientOptions withRetry(RetryPolicy policy) {
    return new ClientOptions(
        server,
        deviceToken,
        connectTimeout,
        requestTimeout,
        policy,
        singleRequestPackBytes,
        uploadPartBytes,
        eventsIdleTimeout);
  }

  public ClientOptions withUploads(int singleRequestBytes, int partBytes) {
    return new ClientOptions(
        server,
        deviceToken,
        connectTimeout,
        requestTimeout,
        retry,
        singleRequestBytes,
        partBytes,
        eventsIdleTimeout);
  }

  public ClientOptions withEventsIdleTimeout(Duration timeout) {
    return new ClientOptions(
        server,
        deviceToken,
        connectTimeout,
        requestTimeout,
        retry,
        singleRequestPackBytes,
        uploadPartBytes,
        timeout);
  }

  @Override
  public String toString() {
    return "ClientOptions[server="
        + server
        + ", deviceToken="
        + (deviceToken == null ? "none" : "(set)")
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + ", retry="
        + retry
        + ", singleRequestPackBytes="
        + singleRequestPackBytes
        + ", uploadPartBytes="
        + uploadPartBytes
        + ", eventsIdleTimeout="
        + eventsIdleTimeout
        + "]";
  }

  private static URI checkServer(URI server) {
    Objects.requireNonNull(server, "server");
    String scheme = server.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || server.getHost() == null) {
      throw new IllegalArgumentException(
          "the server URL must be http://HOST[:PORT] or https://HOST[:PORT], not " + server);
    }
    if (server.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "the server URL must not contain a user name or password; credentials are given apart");
    }
    if (server.getRawQuery() != null || server.getRawFragment() != null) {
      throw new IllegalArgumentException("the server URL must not have a query or fragment");
    }
    String path = server.getRawPath() == null ? "" : server.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(scheme.toLowerCase(Locale.ROOT) + "://" + server.getRawAuthority() + path);
  }

  /**
   * Checks that a token could be one: printable ASCII without spaces. The message never repeats the
   * token.
   */
  static void checkToken(String token, String what) {
    if (token.isEmpty() || token.length() > 4096) {
      throw new IllegalArgumentException(what + " is empty or far too long");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new IllegalArgumentException(
            what + " contains a character a token never has (a space, line break or non-ASCII)");
      }
    }
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + duration);
    }
  }
}
