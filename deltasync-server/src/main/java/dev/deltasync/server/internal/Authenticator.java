package dev.deltasync.server.internal;

import dev.deltasync.server.backend.BackendException;
import dev.deltasync.server.backend.DeviceRecord;
import dev.deltasync.server.backend.MetadataBackend;
import dev.deltasync.server.backend.UserRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;

/**
 * Who is asking: the admin (the data directory's admin token), a user (name and password, HTTP
 * Basic, rate-limited), a device (its long-lived device token) or a holder of an access token
 * (signed, verified without the management role, plus a revocation check in the shared backend so
 * that revoking a device takes effect at once). Errors never repeat what the client sent.
 */
final class Authenticator {
  /** A device and its user. */
  record DeviceAuth(UserRecord user, DeviceRecord device) {}

  private static final String DUMMY_HASH = Passwords.hash("not a password");

  private final MetadataBackend metadata;
  private final AccessTokens accessTokens;
  private final byte[] adminTokenHash;
  private final RateLimiter byAddress;
  private final RateLimiter byUser;
  private final LongSupplier clock;

  Authenticator(
      MetadataBackend metadata, AccessTokens accessTokens, String adminToken, LongSupplier clock) {
    this.metadata = metadata;
    this.accessTokens = accessTokens;
    this.adminTokenHash = Secrets.sha256(adminToken);
    this.clock = clock;
    this.byAddress = new RateLimiter(20, 3_000, clock);
    this.byUser = new RateLimiter(10, 6_000, clock);
  }

  void admin(Exchange exchange) throws Problem {
    String token = bearer(exchange, Secrets.ADMIN_PREFIX, "the admin token");
    if (!MessageDigest.isEqual(Secrets.sha256(token), adminTokenHash)) {
      limit(exchange, null);
      throw Problem.unauthorized("the admin token is not valid; it is in DATA/admin-token");
    }
  }

  DeviceAuth device(Exchange exchange) throws Problem, BackendException {
    String token = bearer(exchange, Secrets.DEVICE_PREFIX, "a device token");
    Optional<DeviceRecord> device = metadata.deviceByTokenHash(Secrets.sha256(token));
    if (device.isEmpty() || device.get().revoked()) {
      limit(exchange, null);
      throw Problem.unauthorized(
          "the device token is not valid or was revoked; join the server again");
    }
    UserRecord user = metadata.user(device.get().userId()).orElseThrow();
    exchange.userId = user.id();
    return new DeviceAuth(user, device.get());
  }

  AccessTokens.Grant access(Exchange exchange) throws Problem, BackendException {
    String token = bearer(exchange, Secrets.ACCESS_PREFIX, "an access token");
    AccessTokens.Grant grant = accessTokens.verify(token, clock.getAsLong());
    if (grant == null) {
      throw Problem.unauthorized(
          "the access token is not valid or has expired; get a new one from POST /v1/access-tokens");
    }
    Optional<DeviceRecord> device = metadata.device(grant.deviceId());
    if (device.isEmpty() || device.get().revoked()) {
      throw Problem.unauthorized("the device of this access token was revoked");
    }
    exchange.userId = grant.userId();
    return grant;
  }

  /** A user by name and password (HTTP Basic), rate-limited per client address and user name. */
  UserRecord password(Exchange exchange) throws Problem, BackendException {
    String header = exchange.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw Problem.unauthorizedBasic(
          "send the user name and password with HTTP Basic authentication");
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Problem.unauthorizedBasic("the Basic credentials are not valid base64");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw Problem.unauthorizedBasic("the Basic credentials must be NAME:PASSWORD");
    }
    String name = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    String address = Request.getRemoteAddr(exchange.request);
    long wait = Math.max(byAddress.waitFor(address), byUser.waitFor(name));
    if (wait > 0) {
      throw Problem.tooManyRequests(
          "too many failed login attempts; wait " + wait + " s and try again", wait);
    }
    Optional<UserRecord> user = metadata.user(name);
    // Hash even for an unknown user, so that timing does not tell which names exist.
    boolean valid =
        Passwords.matches(password, user.map(UserRecord::passwordHash).orElse(DUMMY_HASH));
    if (user.isEmpty() || !valid) {
      // Only failures count: devices behind one address that log in correctly are not slowed.
      byAddress.acquire(address);
      byUser.acquire(name);
      throw Problem.unauthorizedBasic("wrong user name or password");
    }
    exchange.userId = user.get().id();
    return user.get();
  }

  private void limit(Exchange exchange, @Nullable String user) throws Problem {
    long wait = byAddress.acquire(Request.getRemoteAddr(exchange.request));
    if (wait == 0 && user != null) {
      wait = byUser.acquire(user);
    }
    if (wait > 0) {
      throw Problem.tooManyRequests(
          "too many login attempts; wait " + wait + " s and try again", wait);
    }
  }

  private static String bearer(Exchange exchange, String prefix, String what) throws Problem {
    String header = exchange.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw Problem.unauthorized("this request needs " + what + " (Authorization: Bearer ...)");
    }
    String token = header.substring(7).strip();
    if (!token.startsWith(prefix)) {
      throw Problem.unauthorized("this request needs " + what + ", not another kind of token");
    }
    return token;
  }
}
