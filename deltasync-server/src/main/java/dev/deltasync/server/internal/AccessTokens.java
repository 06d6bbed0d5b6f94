package dev.deltasync.server.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Short-lived access tokens that the storage role verifies on its own, with a key shared by the
 * server processes (the data directory's {@code signing-key}): {@code dst_} + base64url(payload) +
 * {@code .} + base64url(HMAC-SHA256(key, payload)). The payload: version (1), user id, device id,
 * expiry (ms), a 128-bit nonce, the user name and the collection scope (empty for all: no
 * collection has an empty name).
 */
final class AccessTokens {
  private static final int VERSION = 1;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** What a valid token grants. */
  record Grant(long userId, String user, long deviceId, String scope, long expiresMillis) {
    boolean allows(String collection) {
      return scope.isEmpty() || scope.equals(collection);
    }
  }

  private final SecretKeySpec key;

  AccessTokens(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  String issue(Grant grant) {
    byte[] user = grant.user().getBytes(StandardCharsets.UTF_8);
    byte[] scope = grant.scope().getBytes(StandardCharsets.UTF_8);
    ByteBuffer payload =
        ByteBuffer.allocate(1 + 8 + 8 + 8 + 16 + 4 + user.length + 4 + scope.length);
    payload.put((byte) VERSION).putLong(grant.userId()).putLong(grant.deviceId());
    payload.putLong(grant.expiresMillis()).put(Secrets.randomBytes(16));
    payload.putInt(user.length).put(user).putInt(scope.length).put(scope);
    byte[] bytes = payload.array();
    return Secrets.ACCESS_PREFIX
        + ENCODER.encodeToString(bytes)
        + "."
        + ENCODER.encodeToString(mac(bytes));
  }

  /** The grant of a token with a valid signature that has not expired, or null. */
  @Nullable Grant verify(String token, long nowMillis) {
    if (!token.startsWith(Secrets.ACCESS_PREFIX) || token.length() > 4096) {
      return null;
    }
    int dot = token.indexOf('.');
    if (dot < 0) {
      return null;
    }
    byte[] payload;
    byte[] signature;
    try {
      payload = DECODER.decode(token.substring(Secrets.ACCESS_PREFIX.length(), dot));
      signature = DECODER.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!MessageDigest.isEqual(mac(payload), signature)) {
      return null;
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(payload);
      if (in.get() != VERSION) {
        return null;
      }
      long userId = in.getLong();
      long deviceId = in.getLong();
      long expires = in.getLong();
      in.position(in.position() + 16);
      byte[] user = new byte[in.getInt()];
      in.get(user);
      byte[] scope = new byte[in.getInt()];
      in.get(scope);
      if (expires <= nowMillis) {
        return null;
      }
      return new Grant(
          userId,
          new String(user, StandardCharsets.UTF_8),
          deviceId,
          new String(scope, StandardCharsets.UTF_8),
          expires);
    } catch (RuntimeException e) { // a signed payload we did not write: never from our key
      return null;
    }
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
