package dev.deltasync.server.backend;

/**
 * A snapshot a device uploaded for a collection: an opaque blob that stands for the collection's
 * state after {@code sequence}, for fast bootstrap of new devices.
 *
 * @param sequence the log sequence it covers
 * @param blob the {@link BlobStore} key of its bytes
 * @param size its length in bytes
 * @param device the device that uploaded it
 */
public record SnapshotRecord(long sequence, String blob, long size, String device) {}
