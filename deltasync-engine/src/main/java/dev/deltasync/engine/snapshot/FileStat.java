package dev.deltasync.engine.snapshot;

/**
 * What a source saw of a local file when it last read it; equal stats mean "unchanged, do not read
 * again".
 *
 * @param size size in bytes
 * @param mtimeNanos modification time, nanoseconds since the epoch
 * @param inode the file's inode or file key hash, 0 when the file system has none
 */
public record FileStat(long size, long mtimeNanos, long inode) {}
