package dev.deltasync.engine;

import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.store.ChunkId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A scan context that passes every call on to another, for wrappers that watch a few of them
 * (timing, counting). Every method of {@link ScanContext} is passed on, the default ones too: a
 * wrapper that left out {@link #unchanged} would silently turn the stat cache's fast path off.
 */
public abstract class ForwardingScanContext implements ScanContext {
  private final ScanContext delegate;

  protected ForwardingScanContext(ScanContext delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean firstSync() throws IOException {
    return delegate.firstSync();
  }

  @Override
  public Optional<SnapshotEntry> previous(String pathKey) throws IOException {
    return delegate.previous(pathKey);
  }

  @Override
  public boolean unchanged(String pathKey, String path, FileStat stat, boolean executable)
      throws IOException {
    return delegate.unchanged(pathKey, path, stat, executable);
  }

  @Override
  public Optional<SnapshotEntry> previousRecord(String uid) throws IOException {
    return delegate.previousRecord(uid);
  }

  @Override
  public void found(SnapshotEntry item) throws IOException {
    delegate.found(item);
  }

  @Override
  public void problem(String message) {
    delegate.problem(message);
  }

  @Override
  public void holdDeletes(String why) {
    delegate.holdDeletes(why);
  }

  @Override
  public void content(ChunkId id, ByteBuffer data) throws IOException {
    delegate.content(id, data);
  }
}
