package dev.deltasync.engine.internal;

import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.Hash64;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.snapshot.StatIndex;
import dev.deltasync.engine.store.ChunkId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Hands what a source finds to the differ as it is found, each with its snapshot entry, and passes
 * content on to the uploader. Refuses a second item with the key of one found already (names this
 * file system treats as the same, or the same UID). Holds about 16 bytes per item: the keys found,
 * as 64-bit hashes; the differ confirms a hash that was seen before exactly.
 */
final class LocalScan implements ScanContext {
  /** Receives each local item with the snapshot's entry at its path (or uid), if any. */
  interface Differ {
    void found(SnapshotEntry now, @Nullable SnapshotEntry before) throws IOException;

    /**
     * Whether an item with this scan key was found already in this scan; asked only when the key's
     * hash was seen, so it may be slow.
     */
    boolean foundAlready(String scanKey, @Nullable SnapshotEntry before) throws IOException;

    /**
     * Whether items may be found unchanged by their stat alone ({@link #foundUnchanged}); false
     * while the differ needs to see every item (after a crash).
     */
    boolean takesUnchanged();

    /** Receives a snapshot item found unchanged at its path, by the {@link Hash64} of its id. */
    void foundUnchanged(long idHash);
  }

  private final SnapshotStore snapshot;
  private final ContentUploader uploader;
  private final Differ differ;
  private final SyncProgress progress;

  /** Items found and not yet told to {@link #progress}: told in batches, not per file. */
  private int unreported;

  private final SeenItems keys = new SeenItems();
  private final List<String> problems = new ArrayList<>();
  private boolean deletesHeld;
  private @Nullable String lastKey;
  private @Nullable SnapshotEntry lastEntry;
  private @Nullable StatIndex index; // read on the first file a source asks about

  LocalScan(
      SnapshotStore snapshot, ContentUploader uploader, Differ differ, SyncProgress progress) {
    this.snapshot = snapshot;
    this.uploader = uploader;
    this.differ = differ;
    this.progress = progress;
  }

  /** Sizes the table of keys found for about {@code items} items. */
  void expect(long items) {
    keys.expect(items);
  }

  @Override
  public boolean firstSync() throws IOException {
    return snapshot.cursor() == 0 && snapshot.size() == 0;
  }

  @Override
  public Optional<SnapshotEntry> previous(String pathKey) throws IOException {
    lastKey = pathKey;
    lastEntry = snapshot.byPathKey(pathKey).orElse(null);
    return Optional.ofNullable(lastEntry);
  }

  @Override
  public boolean unchanged(String pathKey, String path, FileStat stat, boolean executable)
      throws IOException {
    if (!differ.takesUnchanged()) {
      return false;
    }
    StatIndex files = index;
    if (files == null) {
      files = snapshot.statIndex();
      index = files;
    }
    long pathHash = StatIndex.pathHash(path);
    // The path is its own key where names are compared as they are (NFC names, case kept).
    long keyHash = pathKey.equals(path) ? Hash64.finish(pathHash) : Hash64.of(pathKey);
    long id = files.unchangedId(keyHash, pathHash, stat, executable);
    if (id == 0 || !keys.addHash(keyHash)) {
      return false; // changed, or another item had this key: the usual path says which
    }
    counted();
    differ.foundUnchanged(id);
    return true;
  }

  @Override
  public Optional<SnapshotEntry> previousRecord(String uid) throws IOException {
    return snapshot.byId(uid);
  }

  @Override
  public void found(SnapshotEntry item) throws IOException {
    counted();
    String key = scanKey(item);
    SnapshotEntry before;
    if (item.pathKey() == null) {
      before = snapshot.byId(item.item().getUid()).orElse(null);
    } else if (item.pathKey().equals(lastKey)) {
      before = lastEntry; // the source just looked it up for its stat cache
    } else {
      before = snapshot.byPathKey(item.pathKey()).orElse(null);
    }
    if (!keys.add(key) && differ.foundAlready(key, before)) {
      problems.add(
          "'"
              + item.item().getPath()
              + item.item().getUid()
              + "' is not synced: another local item has a name this file system treats as the"
              + " same (case or Unicode normalization), or the same UID; rename one of them");
      return;
    }
    differ.found(item, before);
  }

  /** The key under which a scan finds an item: its path key, or {@code uid:} and its UID. */
  static String scanKey(SnapshotEntry item) {
    String pathKey = item.pathKey();
    return pathKey != null ? pathKey : "uid:" + item.item().getUid();
  }

  @Override
  public void problem(String message) {
    problems.add(message);
  }

  @Override
  public void holdDeletes(String why) {
    deletesHeld = true;
    problems.add(why + "; no delete is sent from this device until it is fixed");
  }

  /** Whether the source asked that no delete be inferred from this scan. */
  boolean deletesHeld() {
    return deletesHeld;
  }

  /** One more item found: the progress hears of every {@link #REPORT_EVERY}th, and the rest. */
  private void counted() {
    if (++unreported == REPORT_EVERY) {
      reportCounted();
    }
  }

  private static final int REPORT_EVERY = 64;

  /** Tells the progress the items found since it last heard; the scan's end calls it too. */
  void reportCounted() {
    if (unreported > 0) {
      progress.advance(SyncProgress.Phase.SCAN, unreported, 0);
      unreported = 0;
    }
  }

  @Override
  public void content(ChunkId id, ByteBuffer data) throws IOException {
    reportCounted(); // the items found before this content's bytes are counted
    progress.advance(SyncProgress.Phase.SCAN, 0, data.remaining());
    uploader.offer(id, data);
  }

  List<String> problems() {
    return problems;
  }
}
