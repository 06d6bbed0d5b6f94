package dev.deltasync.engine.internal;

import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogStore;
import java.io.IOException;

/** Content for the constructor, read from the store and counted. */
final class StoreContent implements ContentReader {
  private final LogStore store;
  private final SyncProgress progress;
  private long bytesDown;

  StoreContent(LogStore store, SyncProgress progress) {
    this.store = store;
    this.progress = progress;
  }

  @Override
  public byte[] chunk(ChunkId id) throws IOException {
    byte[] data = store.readChunk(id);
    bytesDown += data.length;
    progress.advance(SyncProgress.Phase.DOWNLOAD, 0, data.length);
    return data;
  }

  long bytesDown() {
    return bytesDown;
  }
}
