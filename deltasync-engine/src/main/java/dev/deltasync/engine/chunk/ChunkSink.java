package dev.deltasync.engine.chunk;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Receives the chunks of a stream from {@link FastCdc#chunk(java.io.InputStream, ChunkSink)}, one
 * call per chunk, in stream order, on the thread that called {@code chunk}.
 */
@FunctionalInterface
public interface ChunkSink {
  /**
   * Takes one chunk.
   *
   * @param chunk the chunk's offset, length and id
   * @param data the chunk's bytes, from its position to its limit ({@code chunk.length()} bytes),
   *     read-only. It is a view of the chunker's buffer, valid only until this method returns: copy
   *     what must outlive the call
   * @throws IOException to stop chunking; {@code chunk} rethrows it
   */
  void accept(Chunk chunk, ByteBuffer data) throws IOException;
}
