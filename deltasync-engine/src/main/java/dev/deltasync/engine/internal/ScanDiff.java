package dev.deltasync.engine.internal;

import dev.deltasync.engine.Source;
import dev.deltasync.engine.snapshot.AppliedJournal;
import dev.deltasync.engine.snapshot.ScanTables;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Compares each item a scan finds with its snapshot entry and keeps only the differences: changed
 * items as local changes, new stats of unchanged content in the working state. New items wait in
 * the scan's scratch table until the scan ends; then those with the content of a missing item are
 * moves of it, the rest adds, and missing items not moved are deletes. On the heap: the found ids
 * as 64-bit hashes, nothing per new or changed item. Runs inside one {@link
 * SnapshotStore#inTransaction}.
 */
final class ScanDiff implements LocalScan.Differ {
  private final SnapshotStore snapshot;
  private final Source source;
  private final Supplier<String> newIds;
  private final LocalChanges local;
  private final WorkingState working;
  private final ScanTables scan;
  private final SeenItems seen = new SeenItems();
  private final boolean recovering;

  ScanDiff(
      SnapshotStore snapshot,
      ScanTables scan,
      Source source,
      Supplier<String> newIds,
      LocalChanges local,
      WorkingState working)
      throws IOException {
    this.snapshot = snapshot;
    this.source = source;
    this.newIds = newIds;
    this.local = local;
    this.working = working;
    this.scan = scan;
    this.recovering = !snapshot.applied().isEmpty();
  }

  @Override
  public void found(SnapshotEntry now, @Nullable SnapshotEntry before) throws IOException {
    if (recovering && foundApplied(now, before)) {
      return;
    }
    if (now == before) {
      seen.add(before.item().getId()); // reported from the stat cache: unchanged
      return;
    }
    if (before == null || before.item().getKind() != now.item().getKind()) {
      scan.addNew(LocalScan.scanKey(now), now);
      return;
    }
    seen.add(before.item().getId());
    SnapshotEntry after = withId(now, before.item().getId());
    if (ChangeMath.between(before, after) != null) {
      local.put(new Pending(before, after));
    } else if (!Objects.equals(before.stat(), after.stat())) {
      working.put(after); // same content; remember the new stat so it is not read again
    }
  }

  /**
   * After a sync that crashed before its commit: whether {@code now} is, at its path, an item that
   * sync wrote there ({@link AppliedJournal}) in place of the one the snapshot has: it has the
   * version written, or the write is known to have happened (and was edited since). It is then that
   * item, changed from its snapshot entry (or new here); pulling the logs again finds the change
   * made already, or made from the store's version.
   */
  private boolean foundApplied(SnapshotEntry now, @Nullable SnapshotEntry before)
      throws IOException {
    String key = now.pathKey();
    AppliedJournal.Row holder = key == null ? null : snapshot.applied().holder(key);
    if (holder == null
        || !(holder.written() || now.version().equals(holder.version()))
        || (before != null && holder.itemId().equals(before.item().getId()))
        || seen.contains(holder.itemId())) {
      return false;
    }
    SnapshotEntry was = snapshot.byId(holder.itemId()).orElse(null);
    if (was != null && was.item().getKind() != now.item().getKind()) {
      return false;
    }
    seen.add(holder.itemId());
    SnapshotEntry after = withId(now, holder.itemId());
    if (was == null || ChangeMath.between(was, after) != null) {
      local.put(new Pending(was, after));
    } else {
      working.put(after);
    }
    return true;
  }

  /** Sizes the table of ids seen for about {@code items} items. */
  void expect(long items) {
    seen.expect(items);
  }

  @Override
  public boolean takesUnchanged() {
    return !recovering; // recovery compares every item with the journal
  }

  @Override
  public void foundUnchanged(long idHash) {
    seen.addHash(idHash);
  }

  @Override
  public boolean foundAlready(String scanKey, @Nullable SnapshotEntry before) throws IOException {
    // An item found before at this key either had this snapshot entry (and saw its id) or was new.
    return (before != null && seen.contains(before.item().getId())) || scan.hasNew(scanKey);
  }

  /**
   * After the scan: snapshot items not found (and not ignored) are missing; new items with the
   * content of a missing one are moves of it, the other new ones adds, the other missing ones
   * deletes.
   */
  void finish(boolean deletesHeld) throws IOException {
    if (seen.size() != snapshot.size()) { // else every item was seen: nothing is missing
      snapshot.forEach(entry -> {
        if (!seen.contains(entry.item().getId()) && !ignored(entry.item())) {
          scan.addMissing(entry, movable(entry.item()));
        }
      });
    }
    scan.forEachNew(now -> {
      ScanTables.Missing from = scan.takeMovable(now.version());
      if (from != null && from.kind() == now.item().getKindValue() && movable(now.item())) {
        scan.markMoved(from);
        local.put(new Pending(missing(from.itemId()), withId(now, from.itemId())));
      } else {
        String id = now.item().getPath().isEmpty() ? now.item().getUid() : newIds.get();
        local.put(new Pending(null, withId(now, id)));
      }
    });
    if (!deletesHeld) { // else what was not found may be what could not be read: it stays
      scan.forEachMissingNotMoved(id -> local.put(new Pending(missing(id), null)));
    }
    scan.clear();
  }

  private SnapshotEntry missing(String id) throws IOException {
    return snapshot
        .byId(id)
        .orElseThrow(() -> new IllegalStateException("missing item " + id + " left the snapshot"));
  }

  private boolean ignored(Item item) throws IOException {
    return ignored(source, item);
  }

  /** Whether the user excluded the item from syncing here ({@link Source#ignores}). */
  static boolean ignored(Source source, Item item) throws IOException {
    return !item.getPath().isEmpty()
        && source.ignores(item.getPath(), item.getKind() == ItemKind.KIND_DIRECTORY);
  }

  private static boolean movable(Item item) {
    return (item.getKind() == ItemKind.KIND_FILE && item.getFile().getSize() > 0)
        || item.getKind() == ItemKind.KIND_SYMLINK;
  }

  static SnapshotEntry withId(SnapshotEntry entry, String id) {
    Item item = entry.item().toBuilder().setId(id).build();
    return new SnapshotEntry(item, entry.version(), entry.pathKey(), entry.stat());
  }
}
