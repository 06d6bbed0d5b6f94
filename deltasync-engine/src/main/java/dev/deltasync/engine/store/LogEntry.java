package dev.deltasync.engine.store;

import com.google.protobuf.ByteString;

/**
 * One change log as a store lists it.
 *
 * @param sequence its place in the collection: 1 for the first log, then without gaps
 * @param logId the 16-byte id the writer gave it
 * @param originDevice the device that wrote it
 * @param createdMillis when the writer wrote it (its clock)
 * @param size the encoded log's size in bytes
 */
public record LogEntry(
    long sequence, ByteString logId, String originDevice, long createdMillis, long size) {}
