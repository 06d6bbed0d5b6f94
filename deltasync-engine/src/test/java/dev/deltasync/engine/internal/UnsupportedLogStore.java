package dev.deltasync.engine.internal;

import dev.deltasync.engine.store.AppendResult;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogEntry;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.engine.store.StoredChunk;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** A store whose every method throws: tests override the few their code under test calls. */
abstract class UnsupportedLogStore implements LogStore {
  @Override
  public long head(String collection) throws IOException {
    throw new UnsupportedOperationException();
  }

  @Override
  public AppendResult append(String collection, long expectedHead, byte[] encodedLog)
      throws IOException {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<LogEntry> list(String collection, long after, int max) throws IOException {
    throw new UnsupportedOperationException();
  }

  @Override
  public byte[] read(String collection, long sequence) throws IOException {
    throw new UnsupportedOperationException();
  }

  @Override
  public Set<ChunkId> missingChunks(Collection<ChunkId> ids) throws IOException {
    throw new UnsupportedOperationException();
  }

  @Override
  public void putPack(List<StoredChunk> chunks) throws IOException {
    throw new UnsupportedOperationException();
  }

  @Override
  public byte[] readChunk(ChunkId id) throws IOException {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
