package dev.deltasync.engine.internal;

import dev.deltasync.engine.snapshot.PendingTable;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.format.v1.ItemKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The local changes of a sync, by item id and by the path key they leave an item at. They are kept
 * in the sync's scratch database ({@link PendingTable}), not on the heap, so a sync of a million
 * new items holds none of them in memory; writes belong in a {@link SnapshotStore#inTransaction}.
 */
final class LocalChanges {
  /** Receives changes from {@link #forEachInSendingOrder} and {@link #forEachSent}. */
  @FunctionalInterface
  interface Visitor {
    void visit(Pending pending) throws IOException;
  }

  private final SnapshotStore snapshot;

  /** Uses the snapshot's open scratch database, whichever that is when called. */
  LocalChanges(SnapshotStore snapshot) {
    this.snapshot = snapshot;
  }

  @Nullable Pending get(String id) throws IOException {
    return pending(table().get(id));
  }

  /** The pending change whose item ends at {@code pathKey}, if any. */
  @Nullable Pending atPathKey(String pathKey) throws IOException {
    return pending(table().atPathKey(pathKey));
  }

  void put(Pending pending) throws IOException {
    table()
        .put(
            pending.id(),
            pending.before(),
            pending.after(),
            rank(pending),
            orderPath(pending).getBytes(StandardCharsets.UTF_16BE));
  }

  /**
   * False when no delete was ever put among the pending changes of this sync, so none has to be
   * looked for; true does not say one is pending.
   */
  boolean mayHoldDeletes() {
    return table().mayHoldDeletes();
  }

  void remove(String id) throws IOException {
    table().remove(id);
  }

  /**
   * Visits the changes of the items in the outgoing changes {@code OutgoingChanges#inSentOrder}
   * gives for {@code from} and {@code limit}, in that order. The visitor must not change them.
   */
  void forEachSent(long from, int limit, Visitor visitor) throws IOException {
    table()
        .forEachSent(
            from, limit, (id, row) -> visitor.visit(new Pending(row.before(), row.after())));
  }

  /** Drops the changes {@link #forEachSent} visits for the same {@code from} and {@code limit}. */
  void removeSent(long from, int limit) throws IOException {
    table().removeSent(from, limit);
  }

  /**
   * Visits every change in the order they are written in, so that each applies cleanly after the
   * ones before it: deleted files and links first (they free their paths), then directories
   * (parents first), then files and links, and deleted directories last (deepest first, once
   * emptied). Equal ones keep the order they were put in. The visitor must not change them.
   */
  void forEachInSendingOrder(Visitor visitor) throws IOException {
    table().forEachInOrder((id, row) -> visitor.visit(new Pending(row.before(), row.after())));
  }

  private PendingTable table() {
    return snapshot.scratch().pending();
  }

  private static @Nullable Pending pending(PendingTable.@Nullable Row row) {
    return row == null ? null : new Pending(row.before(), row.after());
  }

  private static int rank(Pending pending) {
    SnapshotEntry after = pending.after();
    if (after == null) {
      SnapshotEntry before = pending.before();
      return before != null && before.item().getKind() == ItemKind.KIND_DIRECTORY ? 4 : 1;
    }
    return after.item().getKind() == ItemKind.KIND_DIRECTORY ? 2 : 3;
  }

  /** Within a rank; stored as UTF-16BE, whose bytes sort as Java compares strings. */
  private static String orderPath(Pending pending) {
    SnapshotEntry after = pending.after();
    if (after != null) {
      return after.item().getPath() + after.item().getUid();
    }
    SnapshotEntry before = pending.before();
    String path = before == null ? "" : before.item().getPath();
    // Deepest first: more slashes sort earlier.
    long depth = path.chars().filter(c -> c == '/').count();
    return String.format("%04d", 9999 - depth) + path;
  }
}
