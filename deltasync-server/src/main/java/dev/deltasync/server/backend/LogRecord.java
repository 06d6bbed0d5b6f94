package dev.deltasync.server.backend;

import com.google.protobuf.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * One change log of a collection, as stored.
 *
 * @param sequence its place in the collection: 1, 2, 3, ... without gaps
 * @param logId the 16-byte id its writer gave it
 * @param device the name of the device that wrote it (from its header)
 * @param createdMillis when its writer wrote it (the writer's clock, from its header)
 * @param size its length in bytes
 * @param inline its bytes when the backend keeps them with the record (small logs)
 * @param blob the {@link BlobStore} key of its bytes otherwise
 */
public record LogRecord(
    long sequence,
    ByteString logId,
    String device,
    long createdMillis,
    long size,
    byte @Nullable [] inline,
    @Nullable String blob) {}
