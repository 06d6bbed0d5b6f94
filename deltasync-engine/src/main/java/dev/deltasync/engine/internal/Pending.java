package dev.deltasync.engine.internal;

import dev.deltasync.engine.snapshot.SnapshotEntry;
import org.jspecify.annotations.Nullable;

/**
 * A local change not yet in the store: the item as the store has it ({@code before}, null when the
 * store does not have it) and as it is here ({@code after}, null when deleted here). Rebasing onto
 * a newer store state replaces {@code before}.
 */
record Pending(@Nullable SnapshotEntry before, @Nullable SnapshotEntry after) {
  Pending rebase(@Nullable SnapshotEntry newBefore) {
    return new Pending(newBefore, after);
  }

  String id() {
    SnapshotEntry any = after != null ? after : before;
    if (any == null) {
      throw new IllegalStateException("a pending change without either side");
    }
    return any.item().getId();
  }
}
