package dev.deltasync.engine;

import dev.deltasync.engine.store.ChunkId;
import java.io.IOException;

/** Where a {@link Source} gets the content of items it writes. */
@FunctionalInterface
public interface ContentReader {
  /**
   * The chunk's raw bytes, verified against its id.
   *
   * @throws IOException when the chunk cannot be had; the source then writes nothing
   */
  byte[] chunk(ChunkId id) throws IOException;
}
