package dev.deltasync.engine.internal;

import dev.deltasync.engine.Source;
import dev.deltasync.engine.snapshot.OutgoingTable;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The changes of one push attempt, laid out in the order they are sent, in the sync's scratch
 * database ({@link OutgoingTable}) rather than on the heap: the local changes in their sending
 * order ({@link LocalChanges#forEachInSendingOrder}), then each change that moves an item off a
 * path before the change that puts another item there. The push reads them a log at a time.
 */
final class OutgoingChanges {
  private static final int PAGE = 1024;

  private final SnapshotStore snapshot;
  private final Source source;
  private final OutgoingTable table;

  /** How many changes were laid out, and how many of them are deletes. */
  record Count(long changes, long deletes) {}

  OutgoingChanges(SnapshotStore snapshot, OutgoingTable table, Source source) {
    this.snapshot = snapshot;
    this.source = source;
    this.table = table;
  }

  /** Lays out the changes that take the agreed state to the local state, replacing any before. */
  Count layOut(LocalChanges local, WorkingState working) throws IOException {
    long[] count = new long[2];
    snapshot.inTransaction(() -> {
      table.clear();
      local.forEachInSendingOrder(pending -> {
        Change change = ChangeMath.between(pending.before(), pending.after());
        if (change == null) {
          return;
        }
        String target = targetKey(source, change);
        SnapshotEntry base = working.byId(change.getItemId());
        String from = base == null ? null : base.pathKey();
        table.add(count[0]++, change, target, from != null && !from.equals(target) ? from : null);
        if (change.getType() == ChangeType.CHANGE_DELETE) {
          count[1]++;
        }
      });
      placeFreesBeforeTakes();
    });
    return new Count(count[0], count[1]);
  }

  /** Up to {@code limit} changes from the {@code from}th on, in the order they are sent. */
  List<Change> inSentOrder(long from, int limit) throws IOException {
    return table.inSentOrder(from, limit);
  }

  /**
   * The path key a change leaves its item at; null for a delete or a record. The same as {@link
   * SyncRun} uses to order the changes of a log it reads.
   */
  static @Nullable String targetKey(Source source, Change change) {
    return change.getType() == ChangeType.CHANGE_DELETE || change.getPath().isEmpty()
        ? null
        : source.pathKey(change.getPath());
  }

  /**
   * Gives every change its place: in position order, except that a change comes after the last
   * change (by position) that frees the path key it takes, whatever the paths' names; in a cycle
   * the position order stays. The same order as SyncRun's {@code freesBeforeTakes} gives a log on
   * the heap.
   */
  private void placeFreesBeforeTakes() throws IOException {
    if (!table.anyFreeing()) {
      table.placeInPositionOrder();
      return;
    }
    long next = 0;
    long after = -1;
    for (List<OutgoingTable.Slot> page = table.slotsAfter(after, PAGE);
        !page.isEmpty();
        page = table.slotsAfter(after, PAGE)) {
      for (OutgoingTable.Slot slot : page) {
        next = place(slot, next);
      }
      after = page.get(page.size() - 1).position();
    }
  }

  /**
   * Places {@code slot} (unless placed already) after the chain of changes that free the path each
   * takes; returns the next free place.
   */
  private long place(OutgoingTable.Slot slot, long next) throws IOException {
    if (table.placed(slot.position())) {
      return next;
    }
    List<OutgoingTable.Slot> chain = new ArrayList<>();
    Set<Long> inChain = new HashSet<>();
    chain.add(slot);
    inChain.add(slot.position());
    for (OutgoingTable.Slot taker = slot; ; ) {
      String key = taker.targetKey();
      OutgoingTable.Slot first = key == null ? null : table.freeing(key);
      if (first == null
          || inChain.contains(first.position()) // a cycle: keep the order
          || table.placed(first.position())) {
        break;
      }
      chain.add(first);
      inChain.add(first.position());
      taker = first;
    }
    for (int i = chain.size() - 1; i >= 0; i--) {
      table.place(chain.get(i).position(), next++);
    }
    return next;
  }
}
