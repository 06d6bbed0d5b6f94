package dev.deltasync.engine.internal;

import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.ChunkSplice;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.FileEdit;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.RecordEdit;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns two states of an item into a change, and a change back into a state. The only place that
 * knows how a chunk-list edit is built and applied; record edits are built by {@link RecordDiff}
 * and applied by {@link RecordEdits}.
 */
public final class ChangeMath {
  private ChangeMath() {}

  /**
   * The change that takes an item from {@code before} to {@code after}; null when there is none.
   * Both must have the same id when both exist.
   */
  public static @Nullable Change between(
      @Nullable SnapshotEntry before, @Nullable SnapshotEntry after) {
    if (after == null) {
      if (before == null) {
        return null;
      }
      Item old = before.item();
      return Change.newBuilder()
          .setType(ChangeType.CHANGE_DELETE)
          .setItemId(old.getId())
          .setKind(old.getKind())
          .setPath(old.getPath())
          .setBaseVersion(before.version())
          .build();
    }
    Item now = after.item();
    Change.Builder change =
        Change.newBuilder()
            .setItemId(now.getId())
            .setKind(now.getKind())
            .setPath(now.getPath())
            .setNewVersion(after.version());
    if (before == null) {
      return change.setType(ChangeType.CHANGE_ADD).setItem(now).build();
    }
    Item old = before.item();
    change.setBaseVersion(before.version());
    boolean sameContent = before.version().equals(after.version());
    boolean moved = !old.getPath().equals(now.getPath());
    if (sameContent && !moved) {
      // The version covers all that is synced (the executable bit included); other permission
      // bits and the mtime stay local.
      return null;
    }
    if (sameContent && old.getKind() == now.getKind()) {
      return change.setType(ChangeType.CHANGE_MOVE).setFromPath(old.getPath()).build();
    }
    if (moved) {
      // A format MOVE carries no content: a move with new content is sent as the whole item.
      return change.setType(ChangeType.CHANGE_MODIFY).setItem(now).build();
    }
    change.setType(ChangeType.CHANGE_MODIFY);
    if (old.getKind() == ItemKind.KIND_FILE && now.getKind() == ItemKind.KIND_FILE) {
      FileEdit edit = fileEdit(old.getFile(), now.getFile());
      if (edit.getSerializedSize() < now.getSerializedSize()) {
        return change.setFileEdit(edit).build();
      }
    }
    if (old.hasRecord() && now.hasRecord() && old.getKind() == now.getKind()) {
      RecordEdit edit = RecordDiff.between(old.getRecord(), now.getRecord());
      if (edit != null && edit.getSerializedSize() < now.getSerializedSize()) {
        return change.setRecordEdit(edit).build();
      }
    }
    return change.setItem(now).build();
  }

  /**
   * The edit from one chunk list to another: the common prefix and suffix stay, the middle is
   * replaced. One changed region in a file of a million chunks costs a splice of a few chunks.
   */
  static FileEdit fileEdit(FileBody before, FileBody after) {
    List<ChunkRef> old = before.getChunksList();
    List<ChunkRef> now = after.getChunksList();
    int prefix = 0;
    int max = Math.min(old.size(), now.size());
    while (prefix < max && old.get(prefix).equals(now.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < max - prefix
        && old.get(old.size() - 1 - suffix).equals(now.get(now.size() - 1 - suffix))) {
      suffix++;
    }
    FileEdit.Builder edit =
        FileEdit.newBuilder()
            .setSize(after.getSize())
            .setMode(after.getMode())
            .setMtimeNanos(after.getMtimeNanos());
    int removed = old.size() - prefix - suffix;
    List<ChunkRef> inserted = now.subList(prefix, now.size() - suffix);
    if (removed > 0 || !inserted.isEmpty()) {
      edit.addSplices(
          ChunkSplice.newBuilder().setAt(prefix).setRemove(removed).addAllInsert(inserted));
    }
    return edit.build();
  }

  /**
   * The chunks a change refers to: those of the file it adds or replaces, or those its file edit
   * inserts. What a device applying it may have to download, and what the store must hold first.
   */
  static List<ChunkRef> contentRefs(Change change) {
    if (change.hasItem() && change.getItem().hasFile()) {
      return change.getItem().getFile().getChunksList();
    }
    if (!change.hasFileEdit()) {
      return List.of();
    }
    List<ChunkRef> refs = new ArrayList<>();
    for (ChunkSplice splice : change.getFileEdit().getSplicesList()) {
      refs.addAll(splice.getInsertList());
    }
    return refs;
  }

  /** The bytes of {@link #contentRefs} of all the changes: the most applying them downloads. */
  static long contentBytes(List<Change> changes) {
    long bytes = 0;
    for (Change change : changes) {
      for (ChunkRef ref : contentRefs(change)) {
        bytes += ref.getLength();
      }
    }
    return bytes;
  }

  /**
   * The state a change leads to from {@code base} (the item as the writer had it): null for a
   * delete.
   *
   * @throws IllegalStateException when the change needs a base and there is none, or its edit does
   *     not fit the base: the log does not follow from the state this device has
   */
  public static @Nullable Item apply(Change change, @Nullable Item base) {
    return switch (change.getType()) {
      case CHANGE_ADD -> change.getItem();
      case CHANGE_DELETE -> null;
      case CHANGE_MOVE -> requireBase(change, base).toBuilder().setPath(change.getPath()).build();
      case CHANGE_MODIFY ->
          switch (change.getPayloadCase()) {
            case ITEM -> change.getItem();
            case FILE_EDIT -> applyFileEdit(change, requireBase(change, base));
            case RECORD_EDIT -> applyRecordEdit(change, requireBase(change, base));
            case PAYLOAD_NOT_SET -> throw new IllegalStateException("a modify without payload");
          };
      default -> throw new IllegalStateException("unknown change type " + change.getType());
    };
  }

  private static Item requireBase(Change change, @Nullable Item base) {
    if (base == null) {
      throw new IllegalStateException(
          "change "
              + change.getType()
              + " of item "
              + change.getItemId()
              + " needs the item's previous state, which this device does not have");
    }
    return base;
  }

  private static Item applyRecordEdit(Change change, Item base) {
    if (!base.hasRecord()) {
      throw new IllegalStateException(
          "record edit of item " + change.getItemId() + ", which is not a record here");
    }
    try {
      return base.toBuilder()
          .setRecord(RecordEdits.apply(base.getRecord(), change.getRecordEdit()))
          .build();
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "record edit of item " + change.getItemId() + " does not fit it: " + e.getMessage(), e);
    }
  }

  private static Item applyFileEdit(Change change, Item base) {
    FileEdit edit = change.getFileEdit();
    List<ChunkRef> old = base.getFile().getChunksList();
    List<ChunkRef> chunks = new ArrayList<>(old.size());
    int next = 0;
    for (ChunkSplice splice : edit.getSplicesList()) {
      if (splice.getAt() + (long) splice.getRemove() > old.size()) {
        throw new IllegalStateException(
            "chunk edit of item " + change.getItemId() + " reaches past the end of its chunk list");
      }
      chunks.addAll(old.subList(next, splice.getAt()));
      chunks.addAll(splice.getInsertList());
      next = splice.getAt() + splice.getRemove();
    }
    chunks.addAll(old.subList(next, old.size()));
    FileBody body =
        FileBody.newBuilder()
            .setSize(edit.getSize())
            .setMode(edit.getMode())
            .setMtimeNanos(edit.getMtimeNanos())
            .addAllChunks(chunks)
            .build();
    return base.toBuilder().setPath(change.getPath()).setFile(body).build();
  }
}
