package dev.deltasync.engine;

import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.store.ChunkId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/** What a {@link Source} gets while scanning. */
public interface ScanContext {
  /**
   * True before the collection's first successful sync on this device: the snapshot is empty. A
   * source uses it to tell a new binding from local data that went missing (an unmounted disk).
   */
  boolean firstSync() throws IOException;

  /** The snapshot's entry at this path key, for the stat cache. */
  Optional<SnapshotEntry> previous(String pathKey) throws IOException;

  /**
   * The stat cache's fast path for a file: when the snapshot has a file item at {@code pathKey}
   * with exactly this path, last read with this stat and this executable bit, it counts as found
   * unchanged and true is returned; the source reports nothing else for it. Otherwise (false) the
   * source goes on as usual: {@link #previous}, then {@link #found}. The answer is the same as a
   * comparison with {@link #previous}'s entry would give, without reading the entry; a context may
   * always answer false.
   */
  default boolean unchanged(String pathKey, String path, FileStat stat, boolean executable)
      throws IOException {
    return false;
  }

  /**
   * The snapshot's entry of the record with this UID, for a record source's stat cache: a source
   * that finds a record's local text unchanged since it last read or wrote it (its {@link
   * SnapshotEntry#stat()} fingerprint) reports this entry as it is, without parsing the text again.
   */
  Optional<SnapshotEntry> previousRecord(String uid) throws IOException;

  /**
   * Reports a current local item. Its id may be empty: the engine knows the ids (by path key) and
   * gives new items new ones. Its version must be {@link ItemVersions#of}.
   */
  void found(SnapshotEntry item) throws IOException;

  /**
   * Reports something the user should know about local data that is not synced, such as a malformed
   * entry skipped (with file and line) or two entries with one UID. It ends up in the sync's {@link
   * SyncResult#warnings()}.
   */
  void problem(String message);

  /**
   * Says that some local data could not be read well enough to know which items it holds (an entry
   * without a readable identity), so an item not found by this scan may still be there: the engine
   * infers no delete from this scan (items not found stay as they were, everywhere), and reports
   * {@code why} among the sync's warnings. Moves and every other change are still sent.
   */
  void holdDeletes(String why);

  /**
   * Offers a chunk of content read while scanning; the engine keeps what the store lacks. The
   * buffer is only valid during the call.
   */
  void content(ChunkId id, ByteBuffer data) throws IOException;
}
