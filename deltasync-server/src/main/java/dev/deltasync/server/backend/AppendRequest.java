package dev.deltasync.server.backend;

import com.google.protobuf.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * A change log to append, already checked by the HTTP layer (header, user, collection, length).
 *
 * @param userId the owner
 * @param collection the collection
 * @param deviceId the appending device (for the lease check)
 * @param expectedHead the head the appender based it on (compare-and-set)
 * @param fencing the fencing number of the appender's lease, or null when it holds none
 * @param logId the log's id, for idempotent retries
 * @param originDevice the device name its header gives
 * @param createdMillis its header's creation time
 * @param size its length in bytes
 * @param sha256 the SHA-256 of its bytes: a retry with the same log id must have the same bytes
 * @param inline its bytes, for small logs
 * @param blob the key of its bytes in the {@link BlobStore}, durable already, for large logs
 */
public record AppendRequest(
    long userId,
    String collection,
    long deviceId,
    long expectedHead,
    @Nullable Long fencing,
    ByteString logId,
    String originDevice,
    long createdMillis,
    long size,
    ByteString sha256,
    byte @Nullable [] inline,
    @Nullable String blob) {}
