package dev.deltasync.engine.internal;

import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogStore;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Content for the constructor, read from the store and counted; while a log is applied, from the
 * chunks read ahead for it ({@link #readAhead}) where they were.
 */
final class StoreContent implements ContentReader {
  private final LogStore store;
  private final SyncProgress progress;
  private @Nullable ChunksAhead ahead;
  private long bytesDown;

  StoreContent(LogStore store, SyncProgress progress) {
    this.store = store;
    this.progress = progress;
  }

  @Override
  public byte[] chunk(ChunkId id) throws IOException {
    ChunksAhead reading = ahead;
    byte @Nullable [] early = reading == null ? null : reading.take(id);
    byte[] data = early != null ? early : store.readChunk(id);
    bytesDown += data.length;
    progress.advance(SyncProgress.Phase.DOWNLOAD, 0, data.length);
    return data;
  }

  /**
   * Reads {@code plan}'s chunks ahead until the returned handle is closed, which counts what was
   * read and not used in {@link #bytesDown}. An empty plan reads nothing.
   */
  ReadingAhead readAhead(List<ChunkId> plan) {
    if (plan.isEmpty()) {
      return () -> {};
    }
    ChunksAhead reading = new ChunksAhead(store, plan);
    ahead = reading;
    return () -> {
      ahead = null;
      reading.close();
      bytesDown += reading.unusedBytes();
    };
  }

  /** Reading ahead, stopped by {@link #close}. */
  interface ReadingAhead extends AutoCloseable {
    @Override
    void close();
  }

  long bytesDown() {
    return bytesDown;
  }
}
