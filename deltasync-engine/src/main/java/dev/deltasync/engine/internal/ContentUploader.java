package dev.deltasync.engine.internal;

import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.engine.store.StoredChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects content offered during a scan and sends the store what it lacks, in packs of about
 * {@link #PACK_BYTES}. Memory holds one pack's worth of chunk data; a chunk offered again later is
 * found in the store by {@link LogStore#missingChunks} and not sent twice.
 */
final class ContentUploader {
  static final int PACK_BYTES = 4 * 1024 * 1024;

  private final LogStore store;
  private final SyncProgress progress;
  private final Map<ChunkId, byte[]> pending = new LinkedHashMap<>();
  private int pendingBytes;
  private long bytesUp;

  ContentUploader(LogStore store, SyncProgress progress) {
    this.store = store;
    this.progress = progress;
  }

  void offer(ChunkId id, ByteBuffer data) throws IOException {
    if (pending.containsKey(id)) {
      return;
    }
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    pending.put(id, copy);
    pendingBytes += copy.length;
    if (pendingBytes >= PACK_BYTES) {
      flush();
    }
  }

  /** Sends what is pending and the store lacks. */
  void flush() throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    Set<ChunkId> missing = store.missingChunks(pending.keySet());
    List<StoredChunk> pack = new ArrayList<>();
    for (Map.Entry<ChunkId, byte[]> e : pending.entrySet()) {
      if (missing.contains(e.getKey())) {
        pack.add(new StoredChunk(e.getKey(), e.getValue()));
        bytesUp += e.getValue().length;
      }
    }
    if (!pack.isEmpty()) {
      store.putPack(pack);
      progress.advance(
          SyncProgress.Phase.UPLOAD, 0, pack.stream().mapToLong(c -> c.data().length).sum());
    }
    pending.clear();
    pendingBytes = 0;
  }

  long bytesUp() {
    return bytesUp;
  }
}
