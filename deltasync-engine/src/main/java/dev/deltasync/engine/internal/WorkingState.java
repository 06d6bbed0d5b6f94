package dev.deltasync.engine.internal;

import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.snapshot.WorkingTable;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The agreed state while a sync runs: the committed snapshot plus the changes made to it since
 * (remote logs applied, own changes pushed). The changes are kept in the sync's scratch database
 * ({@link WorkingTable}), not on the heap; writes belong in a {@link SnapshotStore#inTransaction}.
 * {@link #commitTo} writes them with the cursor in one transaction.
 */
final class WorkingState {
  private final SnapshotStore snapshot;
  private final WorkingTable changed;
  private long cursor;

  WorkingState(SnapshotStore snapshot, WorkingTable changed) throws IOException {
    this.snapshot = snapshot;
    this.changed = changed;
    this.cursor = snapshot.cursor();
  }

  long cursor() {
    return cursor;
  }

  void cursor(long sequence) {
    cursor = sequence;
  }

  @Nullable SnapshotEntry byId(String id) throws IOException {
    WorkingTable.Changed local = changed.get(id);
    if (local != null) {
      return local.entry();
    }
    return snapshot.byId(id).orElse(null);
  }

  @Nullable SnapshotEntry byPathKey(String pathKey) throws IOException {
    WorkingTable.Holder local = changed.holder(pathKey);
    if (local != null) {
      String holder = local.itemId();
      return holder != null ? byId(holder) : null;
    }
    SnapshotEntry stored = snapshot.byPathKey(pathKey).orElse(null);
    if (stored != null && changed.get(stored.item().getId()) != null) {
      // The item moved away or was removed during this sync.
      SnapshotEntry now = byId(stored.item().getId());
      return now != null && pathKey.equals(now.pathKey()) ? now : null;
    }
    return stored;
  }

  void put(SnapshotEntry entry) throws IOException {
    String id = entry.item().getId();
    leave(id);
    changed.put(id, entry);
    if (entry.pathKey() != null) {
      changed.hold(entry.pathKey(), id);
    }
  }

  void remove(String id) throws IOException {
    leave(id);
    changed.put(id, null);
  }

  /** Frees the path key item {@code id} holds, unless another item has taken it meanwhile. */
  private void leave(String id) throws IOException {
    SnapshotEntry old = byId(id);
    String key = old == null ? null : old.pathKey();
    if (key == null) {
      return;
    }
    WorkingTable.Holder holder = changed.holder(key);
    if (holder == null || holder.itemId() == null || id.equals(holder.itemId())) {
      changed.hold(key, null);
    }
  }

  /** Writes every change and the cursor to the snapshot, together. */
  void commitTo(SnapshotStore store) throws IOException {
    try (SnapshotStore.Batch batch = store.begin()) {
      batch.apply(changed).cursor(cursor).forgetPushedLogs().forgetApplied().commit();
    }
  }
}
