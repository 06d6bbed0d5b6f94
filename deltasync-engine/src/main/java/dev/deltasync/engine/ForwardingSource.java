package dev.deltasync.engine;

import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A source that passes every call on to another, for wrappers that change or watch a few of them
 * (timing, fault injection). Every method of {@link Source} is passed on, the default ones too: a
 * wrapper that forgot {@link #checkpoint} or {@link #flush} would lose the writes a source holds
 * back until then.
 */
public abstract class ForwardingSource implements Source {
  private final Source delegate;

  protected ForwardingSource(Source delegate) {
    this.delegate = delegate;
  }

  /** The source the calls go to. */
  protected final Source delegate() {
    return delegate;
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    delegate.scan(context);
  }

  @Override
  public String pathKey(String path) {
    return delegate.pathKey(path);
  }

  @Override
  public boolean ignores(String path, boolean directory) throws IOException {
    return delegate.ignores(path, directory);
  }

  @Override
  public boolean keeps(ItemKind kind) {
    return delegate.keeps(kind);
  }

  @Override
  public @Nullable String refuse(String path) throws IOException {
    return delegate.refuse(path);
  }

  @Override
  public ApplyResult put(@Nullable SnapshotEntry expected, Item target, ContentReader content)
      throws IOException {
    return delegate.put(expected, target, content);
  }

  @Override
  public ApplyResult remove(SnapshotEntry expected) throws IOException {
    return delegate.remove(expected);
  }

  @Override
  public void checkpoint() throws IOException {
    delegate.checkpoint();
  }

  @Override
  public void flush() throws IOException {
    delegate.flush();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
