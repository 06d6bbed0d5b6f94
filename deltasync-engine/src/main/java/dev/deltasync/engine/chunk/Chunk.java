package dev.deltasync.engine.chunk;

import dev.deltasync.engine.store.ChunkId;

/**
 * One chunk found in a stream: where it starts, how long it is, and its id (the SHA-256 of its
 * bytes). This is what a file's chunk list holds; the bytes travel separately.
 *
 * @param offset the position of the chunk's first byte in the stream
 * @param length the number of bytes, at least 1
 * @param id the SHA-256 of the chunk's bytes
 */
public record Chunk(long offset, int length, ChunkId id) {
  /**
   * @throws IllegalArgumentException when {@code offset} is negative or {@code length} is not
   *     positive
   */
  public Chunk {
    if (offset < 0) {
      throw new IllegalArgumentException("chunk offset must not be negative, was " + offset);
    }
    if (length < 1) {
      throw new IllegalArgumentException("chunk length must be positive, was " + length);
    }
  }

  /** The position just after the chunk's last byte. */
  public long end() {
    return offset + length;
  }
}
