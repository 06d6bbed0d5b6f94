package dev.deltasync.engine.store;

/**
 * A chunk of content to store: its id and raw bytes. The array is not copied; callers must not
 * change it afterwards.
 */
public record StoredChunk(ChunkId id, byte[] data) {}
