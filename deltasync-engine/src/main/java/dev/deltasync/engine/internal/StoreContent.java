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
   * Reads the chunks each of a log's changes will ask for ahead ({@code perChange}, in the order of
   * the changes) until the returned handle is closed; {@link #applying} says which change is
   * applied. What was read and not used counts in {@link #bytesDown} and the download's progress
   * when the handle is closed. A plan without chunks reads nothing.
   */
  ReadingAhead readAhead(List<List<ChunkId>> perChange) {
    if (perChange.stream().allMatch(List::isEmpty)) {
      return () -> {};
    }
    ChunksAhead reading = new ChunksAhead(store, perChange);
    ahead = reading;
    return () -> {
      ahead = null;
      reading.close();
      long unused = reading.unusedBytes();
      bytesDown += unused;
      progress.advance(SyncProgress.Phase.DOWNLOAD, 0, unused);
    };
  }

  /** The change at {@code index} of the plan read ahead, if any, is applied next. */
  void applying(int index) {
    ChunksAhead reading = ahead;
    if (reading != null) {
      reading.at(index);
    }
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
