package dev.deltasync.engine.internal;

import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.ChunkId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Collects what a source finds, and passes its content on to the uploader. */
final class LocalScan implements ScanContext {
  private final SnapshotStore snapshot;
  private final ContentUploader uploader;
  private final List<SnapshotEntry> found = new ArrayList<>();
  private final Set<String> keys = new HashSet<>();
  private final List<String> problems = new ArrayList<>();

  LocalScan(SnapshotStore snapshot, ContentUploader uploader) {
    this.snapshot = snapshot;
    this.uploader = uploader;
  }

  @Override
  public boolean firstSync() throws IOException {
    return snapshot.cursor() == 0 && snapshot.size() == 0;
  }

  @Override
  public Optional<SnapshotEntry> previous(String pathKey) throws IOException {
    return snapshot.byPathKey(pathKey);
  }

  @Override
  public void found(SnapshotEntry item) {
    String key = item.pathKey() != null ? item.pathKey() : "uid:" + item.item().getUid();
    if (!keys.add(key)) {
      problems.add(
          "'"
              + item.item().getPath()
              + item.item().getUid()
              + "' clashes with another local item of the same name; it is not synced");
      return;
    }
    found.add(item);
  }

  @Override
  public void content(ChunkId id, ByteBuffer data) throws IOException {
    uploader.offer(id, data);
  }

  List<SnapshotEntry> found() {
    return found;
  }

  List<String> problems() {
    return problems;
  }
}
