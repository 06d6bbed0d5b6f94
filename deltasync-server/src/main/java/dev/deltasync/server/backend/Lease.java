package dev.deltasync.server.backend;

/**
 * A lease on a collection: while it is valid, only its holder appends to the collection.
 *
 * @param leaseId the id the holder renews and releases it with (random, 128 bits)
 * @param collection the collection
 * @param deviceId the holder
 * @param fencing its fencing number: greater than that of every lease granted before on the
 *     collection
 * @param expiresMillis when it ends unless renewed (server clock)
 */
public record Lease(
    String leaseId, String collection, long deviceId, long fencing, long expiresMillis) {}
