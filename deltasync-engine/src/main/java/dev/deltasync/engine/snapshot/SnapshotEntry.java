package dev.deltasync.engine.snapshot;

import com.google.protobuf.ByteString;
import dev.deltasync.format.v1.Item;
import org.jspecify.annotations.Nullable;

/**
 * One item of the snapshot.
 *
 * @param item the item in the universal format
 * @param version its version (32 bytes)
 * @param pathKey the path as the local file system compares names; null for records
 * @param stat what the source saw when it last read it locally; null when never read here
 */
public record SnapshotEntry(
    Item item, ByteString version, @Nullable String pathKey, @Nullable FileStat stat) {}
