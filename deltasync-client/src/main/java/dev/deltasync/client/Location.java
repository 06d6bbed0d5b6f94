package dev.deltasync.client;

import java.net.URI;

/**
 * Who this device is and where its user's data lives, as the management role says.
 *
 * @param user the device's user
 * @param device the device's name
 * @param storage the storage role's URL for the user's logs and content
 */
public record Location(String user, String device, URI storage) {}
