package dev.deltasync.sources.vcard;

import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.store.ChunkId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A scan context with a snapshot held in a map; records what the source finds. */
final class RecordingScan implements ScanContext {
  final Map<String, SnapshotEntry> snapshot = new HashMap<>();
  final List<SnapshotEntry> found = new ArrayList<>();
  final List<String> problems = new ArrayList<>();
  boolean deletesHeld;
  private final boolean first;

  RecordingScan(boolean first) {
    this.first = first;
  }

  /** A later scan whose snapshot is what this one found. */
  RecordingScan next() {
    RecordingScan next = new RecordingScan(false);
    for (SnapshotEntry entry : found) {
      next.snapshot.put(entry.item().getUid(), entry);
    }
    return next;
  }

  SnapshotEntry byUid(String uid) {
    return found.stream()
        .filter(e -> e.item().getUid().equals(uid))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no contact " + uid + " found"));
  }

  @Override
  public boolean firstSync() {
    return first;
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
  public void content(ChunkId id, ByteBuffer data) {}
}
