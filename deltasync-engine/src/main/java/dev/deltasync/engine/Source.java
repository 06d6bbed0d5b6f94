package dev.deltasync.engine;

import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.io.Closeable;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The adapter between a collection and local application data (a folder, a vCard file, ...). It
 * reads local data as items of the universal format and writes items back, translating to its own
 * format. The engine does everything else: diffing, conflicts, stores.
 *
 * <p>Contract: called from one thread at a time, by one sync at a time. A source never writes
 * outside its data, never follows symbolic links out of it, and never leaves partly written data
 * visible: a crash at any moment leaves each item either as it was or as asked.
 */
public interface Source extends Closeable {
  /**
   * Reads every current local item and reports each to {@link ScanContext#found}. Items whose stat
   * equals the previous one ({@link ScanContext#previous}) may be reported from the snapshot
   * without reading their data again. The content of every item read is offered to {@link
   * ScanContext#content}.
   *
   * @throws IOException when local data cannot be read; nothing is changed then
   */
  void scan(ScanContext context) throws IOException;

  /**
   * The key under which local storage compares the path: two paths with the same key name the same
   * local object (case-insensitive file systems, Unicode normalization).
   */
  String pathKey(String path);

  /**
   * Whether the user excluded this path from syncing here (e.g. by {@code .deltasyncignore}). An
   * ignored path is invisible both ways: not scanned, never deleted for its absence, and remote
   * changes to it are not written locally.
   */
  default boolean ignores(String path, boolean directory) throws IOException {
    return false;
  }

  /**
   * Whether this source can keep items of this kind (a folder keeps files, directories and links;
   * an address book contacts). The engine refuses a log holding another kind before applying any of
   * it: the collection is bound as different types on different devices.
   */
  default boolean keeps(ItemKind kind) {
    return true;
  }

  /**
   * Says why {@code path} may not be written by a remote change here, or null when it may. The
   * engine asks for every path of a log before it applies any of it, and refuses the whole log when
   * one is refused: an absolute or escaping path, the source's own files, a path through a symbolic
   * link.
   */
  @Nullable String refuse(String path) throws IOException;

  /**
   * Makes the local item match {@code target}: creates it, replaces its content or metadata, moves
   * it when {@code expected} has another path.
   *
   * @param expected what the local item must still be (its snapshot entry), or null when nothing
   *     may exist at the target's path yet (except an identical item, which counts as applied)
   * @param target the item as it must become; its chunks come from {@code content}
   * @return {@link ApplyResult.Applied} with the new local stat, or {@link
   *     ApplyResult.LocalChanged} when local data no longer matches {@code expected} (or the path
   *     is taken) — nothing is changed then. A source may hold an applied write back until {@link
   *     #checkpoint} (the stat is then the one it will have); a place taken in between fails the
   *     checkpoint instead.
   * @throws IOException when local data cannot be written; the item is left as it was
   */
  ApplyResult put(@Nullable SnapshotEntry expected, Item target, ContentReader content)
      throws IOException;

  /**
   * Removes the local item.
   *
   * @return {@link ApplyResult.Applied}, also when the item is already gone, or {@link
   *     ApplyResult.LocalChanged} when it no longer matches {@code expected} (a directory that is
   *     not empty counts as changed)
   */
  ApplyResult remove(SnapshotEntry expected) throws IOException;

  /**
   * Makes every put and remove so far durable and visible. The engine calls it after the last put
   * or remove of each log it applies, right before it records that log's changes as written here: a
   * source that holds writes back (new files, fsynced together) must have done them by then.
   * Sources that write each item at once need nothing here; a source that writes many items into
   * one file writes it here, once per log (and holds the writes of a log until then). A source that
   * wraps another must pass this and {@link #flush} on, as {@link ForwardingSource} does.
   *
   * @throws IOException when the writes cannot be made durable, or a local item took the place of
   *     one of them: the engine then records nothing of the log
   */
  default void checkpoint() throws IOException {}

  /**
   * Makes every put and remove of this sync durable. The engine calls it once, after the last put
   * or remove and before it commits the snapshot; a source may hold writes back until then (or
   * until a {@link #checkpoint}), as long as a crash before the end of {@code flush} leaves the
   * local data as it was before those writes.
   *
   * @throws IOException when the writes cannot be made durable, or local data changed under them
   *     since the scan in a way the source cannot merge: the engine then commits nothing, and the
   *     next sync starts again from the unchanged snapshot
   */
  default void flush() throws IOException {}
}
