package dev.deltasync.sources.records;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.Source;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A source that dies right before its sync's final flush and commit, after every pulled log was
 * applied (as a process killed there would): its {@code flush} throws the simulated crash;
 * everything else, {@code checkpoint} included, goes to the wrapped source.
 */
public final class CrashBeforeCommit implements Source {
  public static final String MESSAGE = "simulated crash before the commit";

  private final Source source;

  public CrashBeforeCommit(Source source) {
    this.source = source;
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    source.scan(context);
  }

  @Override
  public String pathKey(String path) {
    return source.pathKey(path);
  }

  @Override
  public boolean keeps(ItemKind kind) {
    return source.keeps(kind);
  }

  @Override
  public @Nullable String refuse(String path) throws IOException {
    return source.refuse(path);
  }

  @Override
  public ApplyResult put(@Nullable SnapshotEntry expected, Item item, ContentReader content)
      throws IOException {
    return source.put(expected, item, content);
  }

  @Override
  public ApplyResult remove(SnapshotEntry expected) throws IOException {
    return source.remove(expected);
  }

  @Override
  public void checkpoint() throws IOException {
    source.checkpoint();
  }

  @Override
  public void flush() throws IOException {
    throw new IOException(MESSAGE);
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
