package dev.deltasync.server.backend;

import org.jspecify.annotations.Nullable;

/**
 * A registered device of a user.
 *
 * @param id the backend's id, never reused
 * @param userId its user
 * @param name its name, unique among the user's devices that are not revoked
 * @param createdMillis when it was registered
 * @param lastSeenMillis when it last asked for an access token (or registered)
 * @param revokedMillis when its token was revoked, or null while it is valid
 */
public record DeviceRecord(
    long id,
    long userId,
    String name,
    long createdMillis,
    long lastSeenMillis,
    @Nullable Long revokedMillis) {
  public boolean revoked() {
    return revokedMillis != null;
  }
}
