package dev.deltasync.server.backend;

/**
 * A collection whose head moved, from the backend's change feed.
 *
 * @param version the position in the feed (increasing)
 * @param userId the owner
 * @param collection the collection
 * @param head its new head
 */
public record HeadChange(long version, long userId, String collection, long head) {}
