package dev.deltasync.client;

import java.net.URI;

/**
 * A device registered with the server. The token is this device's credential: keep it in the
 * device's home (readable by its owner only), and give it to {@link ClientOptions#withDeviceToken}.
 * {@link #toString()} never shows it.
 *
 * @param user the user the device belongs to
 * @param device the device's name
 * @param token the device token, shown once
 * @param storage the storage role's URL for this user's data
 */
public record DeviceRegistration(String user, String device, String token, URI storage) {
  @Override
  public String toString() {
    return "DeviceRegistration[user=" + user + ", device=" + device + ", storage=" + storage + "]";
  }
}
