package dev.deltasync.testkit;

import dev.deltasync.engine.store.AppendResult;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogEntry;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.engine.store.StoredChunk;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A {@link LogStore} decorator that fails one chosen call, as a crash or a lost connection would:
 * "the 3rd putPack", "right after the 1st append succeeded". Counting starts when the fault is
 * armed; after it fires, the store works normally again.
 */
public final class FaultyLogStore implements LogStore {
  /** Where a fault strikes. */
  public enum Point {
    /** Before an append reaches the store. */
    BEFORE_APPEND,
    /** After an append succeeded, before the caller hears of it (crash between push and commit). */
    AFTER_APPEND,
    /** Before a pack is stored (crash mid-upload). */
    PUT_PACK,
    /** Reading a log. */
    READ_LOG,
    /** Reading a chunk (crash mid-apply). */
    READ_CHUNK
  }

  private final LogStore delegate;
  private Point point = Point.BEFORE_APPEND;
  private int remaining = -1;

  public FaultyLogStore(LogStore delegate) {
    this.delegate = delegate;
  }

  /** Fails the {@code nth} (1-based) call at {@code at} from now on, once. */
  public synchronized void failAt(Point at, int nth) {
    if (nth < 1) {
      throw new IllegalArgumentException("nth counts from 1, was " + nth);
    }
    point = at;
    remaining = nth;
  }

  /** Disarms a fault that has not fired. */
  public synchronized void disarm() {
    remaining = -1;
  }

  /** Whether the armed fault has fired (or none was armed). */
  public synchronized boolean fired() {
    return remaining <= 0;
  }

  private synchronized void strike(Point at) throws IOException {
    if (remaining > 0 && at == point && --remaining == 0) {
      throw new InjectedFault("injected fault at " + at);
    }
  }

  @Override
  public long head(String collection) throws IOException {
    return delegate.head(collection);
  }

  @Override
  public AppendResult append(String collection, long expectedHead, byte[] encodedLog)
      throws IOException {
    strike(Point.BEFORE_APPEND);
    AppendResult result = delegate.append(collection, expectedHead, encodedLog);
    strike(Point.AFTER_APPEND);
    return result;
  }

  @Override
  public List<LogEntry> list(String collection, long after, int max) throws IOException {
    return delegate.list(collection, after, max);
  }

  @Override
  public byte[] read(String collection, long sequence) throws IOException {
    strike(Point.READ_LOG);
    return delegate.read(collection, sequence);
  }

  @Override
  public Set<ChunkId> missingChunks(Collection<ChunkId> ids) throws IOException {
    return delegate.missingChunks(ids);
  }

  @Override
  public void putPack(List<StoredChunk> chunks) throws IOException {
    strike(Point.PUT_PACK);
    delegate.putPack(chunks);
  }

  @Override
  public byte[] readChunk(ChunkId id) throws IOException {
    strike(Point.READ_CHUNK);
    return delegate.readChunk(id);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  /** The exception a fault throws. */
  public static final class InjectedFault extends IOException {
    private static final long serialVersionUID = 1L;

    public InjectedFault(String message) {
      super(message);
    }
  }
}
