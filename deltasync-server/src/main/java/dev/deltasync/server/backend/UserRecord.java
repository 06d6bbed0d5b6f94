package dev.deltasync.server.backend;

/**
 * A user: the owner of collections, devices and content.
 *
 * @param id the backend's id, never reused
 * @param name the name the user logs in with
 * @param passwordHash the Argon2id hash in PHC string form
 */
public record UserRecord(long id, String name, String passwordHash) {}
