package dev.deltasync.engine.internal;

import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The agreed state while a sync runs: the committed snapshot plus the changes made to it since
 * (remote logs applied, own changes pushed). Only the changes are held in memory; {@link #commitTo}
 * writes them with the cursor in one transaction.
 */
final class WorkingState {
  private final SnapshotStore snapshot;

  /** Item id to its new entry, or empty when removed. */
  private final Map<String, Optional<SnapshotEntry>> changed = new HashMap<>();

  /** Path key to the id that now holds it, or empty when no item does. */
  private final Map<String, Optional<String>> paths = new HashMap<>();

  private long cursor;

  WorkingState(SnapshotStore snapshot) throws IOException {
    this.snapshot = snapshot;
    this.cursor = snapshot.cursor();
  }

  long cursor() {
    return cursor;
  }

  void cursor(long sequence) {
    cursor = sequence;
  }

  @Nullable SnapshotEntry byId(String id) throws IOException {
    Optional<SnapshotEntry> local = changed.get(id);
    if (local != null) {
      return local.orElse(null);
    }
    return snapshot.byId(id).orElse(null);
  }

  @Nullable SnapshotEntry byPathKey(String pathKey) throws IOException {
    Optional<String> local = paths.get(pathKey);
    if (local != null) {
      return local.isPresent() ? byId(local.get()) : null;
    }
    SnapshotEntry stored = snapshot.byPathKey(pathKey).orElse(null);
    if (stored != null && changed.containsKey(stored.item().getId())) {
      // The item moved away or was removed during this sync.
      SnapshotEntry now = byId(stored.item().getId());
      return now != null && pathKey.equals(now.pathKey()) ? now : null;
    }
    return stored;
  }

  void put(SnapshotEntry entry) throws IOException {
    String id = entry.item().getId();
    leave(id);
    changed.put(id, Optional.of(entry));
    if (entry.pathKey() != null) {
      paths.put(entry.pathKey(), Optional.of(id));
    }
  }

  void remove(String id) throws IOException {
    leave(id);
    changed.put(id, Optional.empty());
  }

  /** Frees the path key item {@code id} holds, unless another item has taken it meanwhile. */
  private void leave(String id) throws IOException {
    SnapshotEntry old = byId(id);
    String key = old == null ? null : old.pathKey();
    if (key == null) {
      return;
    }
    Optional<String> holder = paths.get(key);
    if (holder == null || holder.isEmpty() || holder.get().equals(id)) {
      paths.put(key, Optional.empty());
    }
  }

  /** Writes every change and the cursor to the snapshot, together. */
  void commitTo(SnapshotStore store) throws IOException {
    try (SnapshotStore.Batch batch = store.begin()) {
      // Removals first, so a path freed by one item can be taken by another.
      for (Map.Entry<String, Optional<SnapshotEntry>> e : changed.entrySet()) {
        if (e.getValue().isEmpty()) {
          batch.remove(e.getKey());
        }
      }
      for (Map.Entry<String, Optional<SnapshotEntry>> e : changed.entrySet()) {
        if (e.getValue().isPresent()) {
          // An item whose path another item takes in this batch must leave it first.
          batch.remove(e.getKey());
        }
      }
      for (Optional<SnapshotEntry> entry : changed.values()) {
        if (entry.isPresent()) {
          batch.put(entry.get());
        }
      }
      batch.cursor(cursor).forgetPushedLogs().commit();
    }
  }
}
