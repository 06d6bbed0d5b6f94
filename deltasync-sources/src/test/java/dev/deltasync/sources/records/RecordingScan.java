package dev.deltasync.sources.records;

import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.Source;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.format.v1.Component;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A scan context for the record sources' tests: the snapshot is a map the test fills (or the
 * previous scan's findings, {@link #next()}), and everything the source reports is recorded.
 */
public final class RecordingScan implements ScanContext {
  public final Map<String, SnapshotEntry> snapshot = new HashMap<>();
  public final List<SnapshotEntry> found = new ArrayList<>();
  public final List<String> problems = new ArrayList<>();
  public boolean deletesHeld;
  private final boolean firstSync;

  public RecordingScan(boolean firstSync) {
    this.firstSync = firstSync;
  }

  /** A first scan of {@code source}. */
  public static RecordingScan of(Source source) throws IOException {
    RecordingScan scan = new RecordingScan(true);
    source.scan(scan);
    return scan;
  }

  /** A later scan whose snapshot is what this one found. */
  public RecordingScan next() {
    RecordingScan next = new RecordingScan(false);
    for (SnapshotEntry entry : found) {
      next.snapshot.put(entry.item().getUid(), entry);
    }
    return next;
  }

  @Override
  public boolean firstSync() {
    return firstSync;
  }

  @Override
  public Optional<SnapshotEntry> previous(String pathKey) {
    return Optional.empty();
  }

  @Override
  public Optional<SnapshotEntry> previousRecord(String uid) {
    return Optional.ofNullable(snapshot.get(uid));
  }

  @Override
  public void found(SnapshotEntry item) {
    found.add(item);
  }

  @Override
  public void problem(String message) {
    problems.add(message);
  }

  @Override
  public void holdDeletes(String why) {
    deletesHeld = true;
    problems.add(why);
  }

  @Override
  public void content(ChunkId id, ByteBuffer data) {
    throw new AssertionError("a record source has no file content");
  }

  /** The entry found with this UID. */
  public SnapshotEntry entry(String uid) {
    return found.stream()
        .filter(e -> e.item().getUid().equals(uid))
        .findFirst()
        .orElseThrow(() -> new AssertionError("not found: " + uid + " in " + uids()));
  }

  public List<String> uids() {
    return found.stream().map(e -> e.item().getUid()).toList();
  }

  /** The records by UID, in scan order. */
  public Map<String, Component> records() {
    Map<String, Component> records = new LinkedHashMap<>();
    for (SnapshotEntry entry : found) {
      records.put(entry.item().getUid(), entry.item().getRecord());
    }
    return records;
  }
}
