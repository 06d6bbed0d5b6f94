package dev.deltasync.client;

/**
 * A lease on one collection: while it is valid no other device appends to the collection, and
 * appends that carry its fencing number are refused once it has ended or been replaced (see {@link
 * HttpLogStore#withLease}).
 *
 * @param collection the collection
 * @param id the lease's id, to renew or release it
 * @param fencing the fencing number: it grows with every lease on the collection
 * @param expiresMillis when it ends unless renewed, by the server's clock
 */
public record Lease(String collection, String id, long fencing, long expiresMillis) {}
