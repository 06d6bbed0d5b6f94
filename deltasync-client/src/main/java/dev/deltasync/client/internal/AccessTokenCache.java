package dev.deltasync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The short-lived access token that storage requests carry, fetched with the device token ({@code
 * POST /v1/access-tokens}) and kept until four fifths of its lifetime have passed, so that it never
 * expires on the way. Its lifetime is measured against the server's clock (its {@code Date}
 * header), so a client whose clock is off still refreshes in time. Thread-safe: concurrent callers
 * share one fetch.
 */
public final class AccessTokenCache implements Credentials {
  private final Transport transport;
  private final URI issueUri;
  private final Credentials device;
  private final LongSupplier nanoClock;
  private @Nullable String token;
  private @Nullable URI storage;
  private long refreshAtNanos;

  public AccessTokenCache(
      Transport transport, URI issueUri, Credentials device, LongSupplier nanoClock) {
    this.transport = transport;
    this.issueUri = issueUri;
    this.device = device;
    this.nanoClock = nanoClock;
  }

  /** A valid access token, fetched when there is none or it is near its end. */
  public synchronized String token() throws IOException {
    String current = token;
    if (current != null && nanoClock.getAsLong() - refreshAtNanos < 0) {
      return current;
    }
    return fetch();
  }

  /** The storage URL the management role named in its last answer, or null before the first. */
  public synchronized @Nullable URI storage() {
    return storage;
  }

  @Override
  public String authorization() throws IOException {
    return "Bearer " + token();
  }

  @Override
  public synchronized boolean renewAfterRejection() {
    token = null;
    return true;
  }

  private String fetch() throws IOException {
    long sent = nanoClock.getAsLong();
    Call call =
        Call.post(issueUri, "get an access token for this device")
            .auth(device)
            .json(Map.of())
            .idempotent();
    return transport.call(
        call,
        response -> {
          JsonNode answer = response.json();
          String fresh = Json.text(answer, "token");
          long expires = Json.number(answer, "expiresMillis");
          long serverNow = serverMillis(response.header("Date"));
          long lifetimeMillis = Math.max(0, Math.min(expires - serverNow, 86_400_000L));
          refreshAtNanos = sent + lifetimeMillis * 1_000_000L / 5 * 4;
          token = fresh;
          JsonNode storageUrl = answer.get("storage");
          if (storageUrl != null && storageUrl.isTextual()) {
            try {
              storage = URI.create(storageUrl.asText());
            } catch (IllegalArgumentException e) {
              storage = null;
            }
          }
          return fresh;
        });
  }

  private static long serverMillis(@Nullable String date) {
    if (date != null) {
      try {
        return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME)
            .toInstant()
            .toEpochMilli();
      } catch (DateTimeParseException e) {
        // fall back to this machine's clock
      }
    }
    return System.currentTimeMillis();
  }
}
