package dev.deltasync.sources.ical;

import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.format.v1.Component;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A scan context that records what a source finds, with a snapshot given by the test. */
final class RecordingScan implements ScanContext {
  final boolean firstSync;
  final Map<String, SnapshotEntry> snapshot = new HashMap<>();
  final List<SnapshotEntry> found = new ArrayList<>();
  final List<String> problems = new ArrayList<>();
  boolean deletesHeld;

  RecordingScan(boolean firstSync) {
    this.firstSync = firstSync;
  }

  /** A later scan whose snapshot is what {@code earlier} found. */
  static RecordingScan after(RecordingScan earlier) {
    RecordingScan next = new RecordingScan(false);
    for (SnapshotEntry entry : earlier.found) {
      next.snapshot.put(entry.item().getUid(), entry);
    }
    return next;
  }

  static RecordingScan scan(ICalSource source) throws java.io.IOException {
    RecordingScan scan = new RecordingScan(true);
    source.scan(scan);
    return scan;
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
    throw new AssertionError("a calendar has no file content");
  }

  SnapshotEntry entry(String uid) {
    return found.stream()
        .filter(e -> e.item().getUid().equals(uid))
        .findFirst()
        .orElseThrow(() -> new AssertionError("not found: " + uid + " in " + uids()));
  }

  List<String> uids() {
    return found.stream().map(e -> e.item().getUid()).toList();
  }

  /** The records by UID, in scan order. */
  Map<String, Component> records() {
    Map<String, Component> records = new LinkedHashMap<>();
    for (SnapshotEntry entry : found) {
      records.put(entry.item().getUid(), entry.item().getRecord());
    }
    return records;
  }
}
