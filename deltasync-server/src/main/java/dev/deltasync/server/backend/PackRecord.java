package dev.deltasync.server.backend;

/**
 * A pack of a user.
 *
 * @param pack its id
 * @param blob the {@link BlobStore} key of its bytes
 * @param size its length in bytes
 */
public record PackRecord(String pack, String blob, long size) {}
