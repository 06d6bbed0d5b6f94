package dev.deltasync.engine.internal;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.SyncException;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.SyncProgress.Phase;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.AppliedJournal;
import dev.deltasync.engine.snapshot.Scratch;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.store.AppendResult;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogEntry;
import dev.deltasync.engine.store.StoreException;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.ChangeLogReader;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.LogHeader;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** One run of {@link dev.deltasync.engine.SyncOperation}; see there for the contract. */
public final class SyncRun {
  private static final int MAX_PUSH_ATTEMPTS = 20;

  private static final int LIST_BATCH = 100;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SyncOptions options;
  private final ContentUploader uploader;
  private final StoreContent content;
  private final LocalChanges local;
  private final List<String> conflictCopies = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private boolean recovering;
  private long applying;
  private int sent;
  private int applied;
  private int conflicts;
  private long logBytesUp;
  private long logBytesDown;
  // What the progress listener hears as totals (SyncProgress.total).
  private long logsListed;
  private long changesRead;
  private long downloadTotalBytes;

  public SyncRun(SyncOptions options) {
    this.options = options;
    this.uploader = new ContentUploader(options.store(), options.progress());
    this.content = new StoreContent(options.store(), options.progress());
    this.local = new LocalChanges(options.snapshot());
  }

  public SyncResult run() throws IOException {
    WorkingState working;
    try (Scratch scratch = options.snapshot().openScratch();
        uploader) {
      working = new WorkingState(options.snapshot(), scratch.working());
      recovering = !options.snapshot().applied().isEmpty();
      SyncProgress progress = options.progress();
      long lastItems = options.snapshot().size();
      progress.start(Phase.SCAN, lastItems > 0 ? lastItems : -1, -1);
      progress.start(Phase.UPLOAD, -1, -1);
      scanAndDiff(working, scratch, lastItems);
      progress.end(Phase.SCAN);
      progress.start(Phase.DOWNLOAD, -1, -1);
      progress.start(Phase.APPLY, -1, -1);
      push(working, scratch);
      options.source().flush();
      working.commitTo(options.snapshot());
      progress.end(Phase.DOWNLOAD);
      progress.end(Phase.APPLY);
      progress.end(Phase.UPLOAD);
    }
    return new SyncResult(
        sent,
        applied,
        conflicts,
        conflictCopies,
        logBytesUp + uploader.bytesUp(),
        logBytesDown + content.bytesDown(),
        working.cursor(),
        warnings);
  }

  // ---- scan and diff ------------------------------------------------------------------------

  /**
   * Scans and diffs in one transaction. The local changes end up in the scratch database, not on
   * the heap.
   */
  private void scanAndDiff(WorkingState working, Scratch scratch, long lastItems)
      throws IOException {
    ScanDiff diff =
        new ScanDiff(
            options.snapshot(), scratch.scan(), options.source(), options.newIds(), local, working);
    LocalScan scan = new LocalScan(options.snapshot(), uploader, diff, options.progress());
    diff.expect(lastItems); // about as many as last time: the hash tables are sized once
    scan.expect(lastItems);
    options
        .snapshot()
        .inTransaction(() -> {
          options.source().scan(scan);
          scan.reportCounted();
          uploader.flush();
          warnings.addAll(scan.problems());
          diff.finish(scan.deletesHeld());
        });
  }

  private boolean ignored(Item item) throws IOException {
    return ScanDiff.ignored(options.source(), item);
  }

  private static SnapshotEntry withId(SnapshotEntry entry, String id) {
    return ScanDiff.withId(entry, id);
  }

  /**
   * Refuses to push a log that deletes more than the allowed share of the collection. Checked on
   * what this device would send after the pull, so deletes that arrived from elsewhere (and were
   * applied here) do not count.
   */
  private void checkDeleteSafeguard(long deletes) throws IOException {
    long total = options.snapshot().size();
    if (options.allowMassDelete() || deletes == 0 || total == 0) {
      return;
    }
    double share = (double) deletes / total;
    if (share > options.maxDeleteShare() && deletes > 1) {
      throw new SyncException(
          String.format(
              "this sync would delete %d of the %d items of collection '%s' (%.0f%%), more than"
                  + " the safeguard allows (%.0f%%). If the data is on a disk that is not"
                  + " mounted, mount it and sync again; if you really deleted it, sync with"
                  + " --allow-mass-delete. Nothing was sent.",
              deletes, total, options.collection(), share * 100, options.maxDeleteShare() * 100));
    }
  }

  // ---- pull, reconcile, push ----------------------------------------------------------------

  private void push(WorkingState working, Scratch scratch) throws IOException {
    OutgoingChanges outgoing =
        new OutgoingChanges(options.snapshot(), scratch.outgoing(), options.source());
    for (int attempt = 0; attempt < MAX_PUSH_ATTEMPTS; attempt++) {
      pull(working);
      OutgoingChanges.Count count = outgoing.layOut(local, working);
      if (count.changes() == 0) {
        return;
      }
      checkDeleteSafeguard(count.deletes());
      options.progress().total(Phase.UPLOAD, sent + count.changes(), -1);
      requireContent(outgoing, count.changes());
      if (pushInLogs(working, outgoing, count.changes())) {
        return;
      }
      // The head moved: someone else pushed first. Pull what they pushed and try again with
      // what is left.
    }
    throw new SyncException(
        "the store's head kept moving during "
            + MAX_PUSH_ATTEMPTS
            + " attempts to push; other devices are very busy. Nothing was lost: sync again.");
  }

  /**
   * Appends the changes in logs of at most {@code maxChangesPerLog}, in order; each log that lands
   * moves its changes into the agreed state. Returns false when the head moved.
   */
  private boolean pushInLogs(WorkingState working, OutgoingChanges outgoing, long count)
      throws IOException {
    int perLog = options.maxChangesPerLog();
    for (long from = 0; from < count; from += perLog) {
      List<Change> batch = outgoing.inSentOrder(from, perLog);
      byte[] logId = new byte[16];
      RANDOM.nextBytes(logId);
      LogHeader header =
          LogHeader.newBuilder()
              .setUser(options.user())
              .setCollection(options.collection())
              .setOriginDevice(options.device())
              .setLogId(ByteString.copyFrom(logId))
              .setBaseSequence(working.cursor())
              .setCreatedMillis(options.clock().millis())
              .setCompression(Compression.COMPRESSION_ZSTD)
              .build();
      byte[] encoded = ChangeLogWriter.encode(new ChangeLog(header, batch, List.of()));
      options.snapshot().rememberPushedLog(header.getLogId());
      AppendResult result = options.store().append(options.collection(), working.cursor(), encoded);
      if (!(result instanceof AppendResult.Appended appended)) {
        return false;
      }
      logBytesUp += encoded.length;
      sent += batch.size();
      options.progress().advance(Phase.UPLOAD, batch.size(), encoded.length);
      long first = from;
      options
          .snapshot()
          .inTransaction(() -> {
            // The local changes of the log's items, read and then dropped a log at a time.
            local.forEachSent(
                first,
                perLog,
                pending -> {
                  SnapshotEntry after = pending.after();
                  if (after == null) {
                    working.remove(pending.id());
                  } else {
                    working.put(after);
                  }
                });
            local.removeSent(first, perLog);
          });
      working.cursor(appended.sequence());
    }
    return true;
  }

  /**
   * Orders changes so that a change that moves an item off a path comes before the change that puts
   * another item there, whatever the paths' names; otherwise the order stays. Readers use it on
   * every log, writers lay out the same order ({@link OutgoingChanges}), so no device sees a path
   * taken by an item that is leaving it.
   */
  private List<Change> freesBeforeTakes(List<Change> changes, WorkingState working)
      throws IOException {
    Map<String, Change> freeing = new HashMap<>();
    for (Change change : changes) {
      SnapshotEntry base = working.byId(change.getItemId());
      String from = base == null ? null : base.pathKey();
      if (from != null && !from.equals(targetKey(change))) {
        freeing.put(from, change);
      }
    }
    if (freeing.isEmpty()) {
      return changes;
    }
    List<Change> ordered = new ArrayList<>(changes.size());
    Set<Change> placed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Change change : changes) {
      placeAfterFreeing(change, freeing, placed, ordered);
    }
    return ordered;
  }

  private void placeAfterFreeing(
      Change change, Map<String, Change> freeing, Set<Change> placed, List<Change> ordered) {
    if (!placed.add(change)) {
      return; // placed already, or a cycle: keep the log's order
    }
    String key = targetKey(change);
    Change first = key == null ? null : freeing.get(key);
    if (first != null && first != change) {
      placeAfterFreeing(first, freeing, placed, ordered);
    }
    ordered.add(change);
  }

  private @Nullable String targetKey(Change change) {
    return OutgoingChanges.targetKey(options.source(), change);
  }

  /**
   * Checks, a log's worth at a time, that the store has every chunk the changes refer to; those
   * this sync saw stored ({@link ContentUploader#stored}) are not asked about again.
   */
  private void requireContent(OutgoingChanges outgoing, long count) throws IOException {
    long missingCount = 0;
    ChunkId example = null;
    for (long from = 0; from < count; from += options.maxChangesPerLog()) {
      Set<ChunkId> needed = new HashSet<>();
      for (Change change : outgoing.inSentOrder(from, options.maxChangesPerLog())) {
        for (ChunkRef ref : ChangeMath.contentRefs(change)) {
          ChunkId id = ChunkId.of(ref.getId());
          if (!uploader.stored(id)) {
            needed.add(id);
          }
        }
      }
      Set<ChunkId> missing = needed.isEmpty() ? Set.of() : options.store().missingChunks(needed);
      missingCount += missing.size();
      if (example == null && !missing.isEmpty()) {
        example = missing.iterator().next();
      }
    }
    if (missingCount > 0) {
      throw new SyncException(
          "the store lacks "
              + missingCount
              + " chunks of content this sync needs (for example "
              + example
              + "); the local data changed while it was read. Sync again.");
    }
  }

  private void pull(WorkingState working) throws IOException {
    Set<ByteString> pushedLogs = options.snapshot().pushedLogs();
    while (true) {
      List<LogEntry> entries =
          options.store().list(options.collection(), working.cursor(), LIST_BATCH);
      if (entries.isEmpty()) {
        return;
      }
      for (LogEntry entry : entries) {
        logsListed++;
        downloadTotalBytes += entry.size();
      }
      options.progress().total(Phase.DOWNLOAD, logsListed, downloadTotalBytes);
      for (LogEntry entry : entries) {
        byte[] bytes = options.store().read(options.collection(), entry.sequence());
        logBytesDown += bytes.length;
        options.progress().advance(Phase.DOWNLOAD, 1, bytes.length);
        ChangeLog log;
        try {
          log = ChangeLogReader.decode(bytes);
        } catch (ChangeLogFormatException e) {
          throw new StoreException.Corrupt(
              "log "
                  + entry.sequence()
                  + " of collection '"
                  + options.collection()
                  + "' is damaged: "
                  + e.getMessage(),
              e);
        }
        boolean own = pushedLogs.contains(log.header().getLogId());
        changesRead += log.changes().size();
        options.progress().total(Phase.APPLY, changesRead, -1);
        if (!own) {
          downloadTotalBytes += ChangeMath.contentBytes(log.changes());
          options.progress().total(Phase.DOWNLOAD, logsListed, downloadTotalBytes);
        }
        if (!own) {
          refuseForeignKinds(entry.sequence(), log);
          refuseHostile(entry.sequence(), log);
        }
        refuseUnfitRecordEdits(entry.sequence(), log, working);
        List<Change> changes = freesBeforeTakes(log.changes(), working);
        if (!own) {
          journal(entry.sequence(), changes, working);
        }
        applying = entry.sequence();
        try (StoreContent.ReadingAhead ahead =
            content.readAhead(own ? List.of() : contentOfNewFiles(changes, working))) {
          options
              .snapshot()
              .inTransaction(() -> {
                for (int i = 0; i < changes.size(); i++) {
                  content.applying(i);
                  reconcile(working, changes.get(i), own, log.header(), entry.sequence());
                  options.progress().advance(Phase.APPLY, 1, 0);
                }
                options.source().checkpoint(); // what is recorded as written must be there
              });
        }
        working.cursor(entry.sequence());
      }
    }
  }

  /**
   * For each of {@code changes}, the chunks it will download, in order, when it adds a file at a
   * path that is free here (neither this device's last state nor its local changes hold anything
   * there) and not ignored; none for the others. Those chunks are read ahead ({@link ChunksAhead}).
   * Files that may be here already (the same data copied to both devices before their first sync)
   * are left out: their content is read only when it is needed. So is everything while recovering
   * from a sync that stopped half-way, whose files may be here.
   */
  private List<List<ChunkId>> contentOfNewFiles(List<Change> changes, WorkingState working)
      throws IOException {
    List<List<ChunkId>> plan = new ArrayList<>(changes.size());
    for (Change change : changes) {
      plan.add(recovering ? List.of() : contentOfNewFile(change, working));
    }
    return plan;
  }

  private List<ChunkId> contentOfNewFile(Change change, WorkingState working) throws IOException {
    if (change.getType() != ChangeType.CHANGE_ADD
        || !change.hasItem()
        || !change.getItem().hasFile()
        || change.getItem().getFile().getChunksCount() == 0
        || change.getItem().getPath().isEmpty()
        || ignored(change.getItem())) {
      return List.of();
    }
    String key = options.source().pathKey(change.getItem().getPath());
    if (working.byPathKey(key) != null || local.atPathKey(key) != null) {
      return List.of();
    }
    List<ChunkId> ids = new ArrayList<>(change.getItem().getFile().getChunksCount());
    for (ChunkRef ref : change.getItem().getFile().getChunksList()) {
      ids.add(ChunkId.of(ref.getId()));
    }
    return ids;
  }

  /**
   * Refuses a log whose items this collection's source cannot keep (contacts arriving in a folder,
   * files in an address book), before anything of it is applied.
   */
  private void refuseForeignKinds(long sequence, ChangeLog log) throws SyncException {
    for (int i = 0; i < log.changes().size(); i++) {
      ItemKind kind = log.changes().get(i).getKind();
      if (kind != ItemKind.ITEM_KIND_UNSPECIFIED && !options.source().keeps(kind)) {
        throw new SyncException(
            logName(sequence, log)
                + " holds "
                + describe(kind)
                + ", which this device's binding of the collection cannot keep: the collection is"
                + " bound as different types on different devices. Nothing of it was applied."
                + " Bind it here with the type the other devices use (deltasync add COLLECTION"
                + " PATH --type folder|vcard|ical, in a new home), or use another collection name"
                + " for this data.");
      }
    }
  }

  /** How refusals name a pulled log: its sequence, the collection and the device that wrote it. */
  private String logName(long sequence, ChangeLog log) {
    return "log "
        + sequence
        + " of collection '"
        + options.collection()
        + "' from device '"
        + log.header().getOriginDevice()
        + "'";
  }

  private static String describe(ItemKind kind) {
    return switch (kind) {
      case KIND_CONTACT -> "contacts";
      case KIND_EVENT -> "calendar events";
      case KIND_TODO -> "to-dos";
      case KIND_DIRECTORY -> "directories";
      case KIND_SYMLINK -> "symbolic links";
      default -> "files";
    };
  }

  /** Checks every path of a log before any of it is applied; one bad path refuses it whole. */
  private void refuseHostile(long sequence, ChangeLog log) throws IOException {
    // Symbolic links the log itself creates count too: nothing may be written through them.
    Set<String> links = new HashSet<>();
    for (int i = 0; i < log.changes().size(); i++) {
      Change change = log.changes().get(i);
      for (String path : List.of(change.getPath(), change.getFromPath())) {
        if (path.isEmpty()) {
          continue;
        }
        String why = options.source().refuse(path);
        for (int slash = path.indexOf('/');
            why == null && slash > 0;
            slash = path.indexOf('/', slash + 1)) {
          if (links.contains(options.source().pathKey(path.substring(0, slash)))) {
            why =
                "goes through the symbolic link "
                    + path.substring(0, slash)
                    + " the same log makes";
          }
        }
        if (why != null) {
          throw new SyncException(
              logName(sequence, log)
                  + " is refused and nothing of it was applied: change "
                  + i
                  + " writes '"
                  + path
                  + "', which "
                  + why
                  + ". Remove the device that wrote it, or the log, before syncing again.");
        }
      }
      if (change.getKind() == ItemKind.KIND_SYMLINK && !change.getPath().isEmpty()) {
        links.add(options.source().pathKey(change.getPath()));
      }
    }
  }

  /**
   * Applies every record edit of a log to the record it edits before any of the log is applied: an
   * edit that names a component the record lacks, or leads to another version than it says, refuses
   * the log whole. Edits whose base this device does not have (or has in another version) are left
   * to {@link #reconcile}, which reports a state that does not follow.
   */
  private void refuseUnfitRecordEdits(long sequence, ChangeLog log, WorkingState working)
      throws IOException {
    for (int i = 0; i < log.changes().size(); i++) {
      Change change = log.changes().get(i);
      if (!change.hasRecordEdit()) {
        continue;
      }
      SnapshotEntry base = working.byId(change.getItemId());
      if (base == null || !base.version().equals(change.getBaseVersion())) {
        continue;
      }
      String why;
      try {
        Item result = ChangeMath.apply(change, base.item());
        why =
            result != null && ItemVersions.of(result).equals(change.getNewVersion())
                ? null
                : "the record edit of item "
                    + change.getItemId()
                    + " leads to another version than the change says";
      } catch (IllegalStateException e) {
        why = e.getMessage();
      }
      if (why != null) {
        throw new SyncException(
            logName(sequence, log)
                + " is refused and nothing of it was applied: change "
                + i
                + ": "
                + why
                + ". The device that wrote it and this one disagree about the record: move this"
                + " collection's snapshot away to start it afresh, or remove the log.");
      }
    }
  }

  /**
   * Records durably, before any of a log is written locally, the state each of its changes leaves
   * its item in ({@link AppliedJournal}), so that a sync after a crash knows what was written.
   */
  private void journal(long sequence, List<Change> changes, WorkingState working)
      throws IOException {
    List<AppliedJournal.Row> rows = new ArrayList<>();
    Map<String, SnapshotEntry> states = new HashMap<>();
    Set<String> gone = new HashSet<>();
    for (Change change : changes) {
      String id = change.getItemId();
      SnapshotEntry base = gone.contains(id) ? null : states.get(id);
      if (base == null && !gone.contains(id)) {
        base = working.byId(id);
      }
      Item item;
      try {
        item = ChangeMath.apply(change, base == null ? null : base.item());
      } catch (IllegalStateException e) {
        continue; // reconcile refuses it
      }
      SnapshotEntry target = item == null ? null : entryOf(item, null);
      if (target == null || ignored(target.item())) {
        gone.add(id);
        states.remove(id);
        rows.add(new AppliedJournal.Row(sequence, id, null, null, false));
      } else {
        gone.remove(id);
        states.put(id, target);
        rows.add(new AppliedJournal.Row(sequence, id, target.pathKey(), target.version(), false));
      }
    }
    options.snapshot().applied().record(rows);
  }

  private void reconcile(
      WorkingState working, Change remote, boolean own, LogHeader header, long sequence)
      throws IOException {
    String id = remote.getItemId();
    SnapshotEntry base = working.byId(id);
    if (base != null
        && remote.getType() != ChangeType.CHANGE_ADD
        && !remote.getBaseVersion().equals(base.version())) {
      throw new SyncException(
          "the store's logs do not follow from this device's state: a change of item "
              + id
              + " was made to another version than this device has; the snapshot may be"
              + " damaged: move the collection's snapshot away to start this collection afresh");
    }
    Item targetItem;
    try {
      targetItem = ChangeMath.apply(remote, base == null ? null : base.item());
    } catch (IllegalStateException e) {
      throw new SyncException(
          "the store's logs do not follow from this device's state ("
              + e.getMessage()
              + "); the snapshot may be damaged: move the collection's snapshot away to start"
              + " this collection afresh",
          e);
    }
    SnapshotEntry target = targetItem == null ? null : entryOf(targetItem, null);
    Pending mine = local.get(id);

    if (own) {
      // A log this device wrote but did not commit (it crashed): acknowledge it. The scan since
      // took its new items for new ones, with new ids: they are the logged ones.
      if (mine == null && target != null && target.pathKey() != null) {
        Pending sameItem = local.atPathKey(target.pathKey());
        SnapshotEntry after = sameItem == null ? null : sameItem.after();
        if (sameItem != null && sameItem.before() == null && after != null) {
          local.remove(sameItem.id());
          mine = new Pending(null, withId(after, id));
          local.put(mine);
        }
      }
      setState(working, id, target);
      if (mine != null) {
        if (sameState(mine.after(), target)) {
          local.remove(id);
          keepLocalStat(working, mine.after());
        } else {
          local.put(mine.rebase(target));
        }
      }
      return;
    }

    if (mine == null
        && lastWritten(id, sequence) != null
        && options.snapshot().byId(id).isEmpty()) {
      // New here when a sync that then crashed wrote it, and not found by the scan since: it was
      // deleted here.
      setState(working, id, target);
      if (target != null) {
        local.put(new Pending(target, null));
      }
      return;
    }
    if (mine == null) {
      if ((target == null || ignored(target.item())) && (base == null || ignored(base.item()))) {
        setState(working, id, target); // invisible here: the store's state is kept, nothing written
        return;
      }
      if (target != null && ignored(target.item())) {
        // It leaves the part of the collection this device syncs.
        setState(working, id, target);
        ApplyResult gone =
            base == null ? new ApplyResult.Applied(null) : options.source().remove(base);
        if (gone instanceof ApplyResult.Applied) {
          options.snapshot().applied().written(applying, id);
          applied++;
        }
        return;
      }
      if (target == null) {
        ApplyResult result =
            base == null ? new ApplyResult.Applied(null) : options.source().remove(base);
        // A local item that changed since stays; the next scan sends it again (an edit beats a
        // delete).
        setState(working, id, null);
        if (result instanceof ApplyResult.Applied) {
          options.snapshot().applied().written(applying, id);
          applied++;
        }
        return;
      }
      placeRemote(working, id, base, target, header);
      return;
    }

    if (written(id, mine, sequence)) {
      // A sync that crashed before its commit wrote this or a later state of the item already:
      // the local state is the store's, from a later log, not a local edit.
      setState(working, id, target);
      if (sameState(mine.after(), target)) {
        local.remove(id);
        keepLocalStat(working, mine.after());
      } else {
        local.put(mine.rebase(target));
      }
      return;
    }

    SnapshotEntry after = mine.after();
    if (target == null) {
      setState(working, id, null);
      if (after == null) {
        local.remove(id); // deleted on both sides
      } else {
        local.put(mine.rebase(null)); // an edit beats a delete: the item comes back
        conflicts++;
      }
      return;
    }
    if (after == null) {
      // Deleted here, changed there: the edit wins and the item comes back — beside whatever
      // new local item took its path meanwhile.
      local.remove(id);
      conflicts++;
      placeRemote(working, id, null, target, header);
      return;
    }
    setState(working, id, target);
    if (sameState(after, target)) {
      local.remove(id); // both made the same change
      keepLocalStat(working, after);
      return;
    }
    if (base != null && mergeRecord(working, base, after, target)) {
      return;
    }
    // Changed on both sides: this device pushes later, so its version keeps the name; the
    // store's version is kept beside it as a conflict copy.
    local.put(mine.rebase(target));
    conflictCopy(working, target, header);
  }

  /**
   * Whether the local state of item {@code id} is one that a log from {@code sequence} on leads to
   * and that a sync which then crashed may have written ({@link AppliedJournal}).
   */
  private boolean written(String id, Pending mine, long sequence) throws IOException {
    if (!recovering) {
      return false;
    }
    AppliedJournal journal = options.snapshot().applied();
    SnapshotEntry after = mine.after();
    if (after == null
        ? journal.reaches(id, sequence, null, null)
        : journal.reaches(id, sequence, after.pathKey(), after.version())) {
      return true;
    }
    // Written by a log from this one on, and deleted or edited (at its path) here since: a change
    // of what was written.
    AppliedJournal.Row last = lastWritten(id, sequence);
    return last != null && (after == null || Objects.equals(last.pathKey(), after.pathKey()));
  }

  /**
   * The state of item {@code id} that a sync which crashed before its commit wrote here, when no
   * log before {@code sequence} leads to it and none after changes it; else null.
   */
  private AppliedJournal.@Nullable Row lastWritten(String id, long sequence) throws IOException {
    if (!recovering) {
      return null;
    }
    AppliedJournal.Row last = options.snapshot().applied().last(id);
    return last != null && last.written() && last.version() != null && last.sequence() >= sequence
        ? last
        : null;
  }

  /**
   * Writes the store's version of an item into local data, where it is not in the way of local
   * items: identical local items are adopted, a path held by another item sends it aside, and local
   * data that is not as expected keeps the remote version in a conflict copy.
   */
  private void placeRemote(
      WorkingState working,
      String id,
      @Nullable SnapshotEntry base,
      SnapshotEntry target,
      LogHeader header)
      throws IOException {
    if (adoptIdentical(working, target)) {
      return;
    }
    boolean held = heldByAnother(working, target, id);
    if (held) {
      setState(working, id, target);
      moveAside(working, target, header, base);
      return;
    }
    // The source does not look at the working state: the item's state is set once, after the
    // write (with the stat when it was written). A new file made seven statements, now two.
    ApplyResult result = options.source().put(base, target.item(), content);
    if (result instanceof ApplyResult.Applied done) {
      options.snapshot().applied().written(applying, id);
      setState(working, id, withStat(target, done));
      keepDirectoriesAbove(working, target.item());
      applied++;
      return;
    }
    setState(working, id, target);
    ApplyResult.LocalChanged changed = (ApplyResult.LocalChanged) result;
    boolean record = target.item().hasRecord(); // no path to move aside: a copy with its own UID
    switch (changed.reason()) {
      case MISSING -> {
        if (base != null) {
          placeRemote(working, id, null, target, header); // gone here: it comes back
        } else if (record) {
          conflictCopy(working, target, header);
        } else {
          moveAside(working, target, header, null);
        }
      }
      case PATH_TAKEN -> {
        // A local record that holds the UID but is not synced (a malformed entry) stays as it is.
        if (record) {
          conflictCopy(working, target, header);
        } else {
          moveAside(working, target, header, base);
        }
      }
      case CHANGED -> conflictCopy(working, target, header); // the local edit keeps the item
    }
  }

  /**
   * An item written into a directory deleted here brings the directory back (an edit beats a
   * concurrent delete): the source made it again to hold the item, so the directory's pending
   * delete, and that of every directory above, is dropped. Left pending, it would be pushed while
   * the directory holds the item, and the directory would stop being an item everywhere.
   */
  private void keepDirectoriesAbove(WorkingState working, Item written) throws IOException {
    if (!local.mayHoldDeletes()) {
      return; // no directory is pending delete (a first sync, and most others)
    }
    String path = written.getPath();
    for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      SnapshotEntry directory =
          working.byPathKey(options.source().pathKey(path.substring(0, slash)));
      if (directory == null || directory.item().getKind() != ItemKind.KIND_DIRECTORY) {
        continue;
      }
      Pending pending = local.get(directory.item().getId());
      if (pending != null && pending.after() == null) {
        local.remove(directory.item().getId());
      }
    }
  }

  /**
   * When a new local item at the target's path is identical to it (both devices made the same
   * directory, or the same file), the local one is the remote one: it takes the store's id and
   * nothing is written or sent.
   */
  private boolean adoptIdentical(WorkingState working, SnapshotEntry target) throws IOException {
    String key = target.pathKey();
    Pending clash = key == null ? null : local.atPathKey(key);
    if (clash == null || clash.before() != null || clash.id().equals(target.item().getId())) {
      return false;
    }
    SnapshotEntry after = clash.after();
    if (after == null
        || after.item().getKind() != target.item().getKind()
        || !sameState(after, target)) {
      return false;
    }
    local.remove(clash.id());
    working.put(new SnapshotEntry(target.item(), target.version(), target.pathKey(), after.stat()));
    return true;
  }

  /**
   * Whether another item holds the target's path: a new local item, or one the store state still
   * has there (and that is not leaving it). The incoming item is then moved aside.
   */
  private boolean heldByAnother(WorkingState working, SnapshotEntry target, String id)
      throws IOException {
    String key = target.pathKey();
    if (key == null) {
      return false;
    }
    Pending clash = local.atPathKey(key);
    if (clash != null) {
      return !clash.id().equals(id);
    }
    SnapshotEntry there = working.byPathKey(key);
    if (there == null || there.item().getId().equals(id)) {
      return false;
    }
    Pending leaving = local.get(there.item().getId());
    if (leaving == null) {
      return true;
    }
    SnapshotEntry after = leaving.after();
    return after != null && key.equals(after.pathKey());
  }

  private void setState(WorkingState working, String id, @Nullable SnapshotEntry entry)
      throws IOException {
    if (entry == null) {
      working.remove(id);
    } else {
      working.put(entry);
    }
  }

  private static void keepLocalStat(WorkingState working, @Nullable SnapshotEntry local)
      throws IOException {
    if (local != null) {
      working.put(local);
    }
  }

  private static boolean sameState(@Nullable SnapshotEntry a, @Nullable SnapshotEntry b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.version().equals(b.version()) && a.item().getPath().equals(b.item().getPath());
  }

  private SnapshotEntry entryOf(Item item, dev.deltasync.engine.snapshot.@Nullable FileStat stat) {
    String key = item.getPath().isEmpty() ? null : options.source().pathKey(item.getPath());
    return new SnapshotEntry(item, ItemVersions.of(item), key, stat);
  }

  private static SnapshotEntry withStat(SnapshotEntry entry, ApplyResult.Applied done) {
    return new SnapshotEntry(entry.item(), entry.version(), entry.pathKey(), done.stat());
  }

  /**
   * A record changed here and in the store: merges the two against {@code base}, the version both
   * started from ({@link RecordMerge}), writes the result here and leaves it as the local change,
   * now from the store's version. Where both changed the same property to different results the
   * store's value is in the result, and this device's whole version is kept in a conflict copy.
   * Returns false, having changed nothing, for items that are not records and when the local record
   * changed again since the scan.
   */
  private boolean mergeRecord(
      WorkingState working, SnapshotEntry base, SnapshotEntry after, SnapshotEntry target)
      throws IOException {
    Item was = base.item();
    Item ours = after.item();
    Item theirs = target.item();
    if (!was.hasRecord()
        || !ours.hasRecord()
        || !theirs.hasRecord()
        || ours.getKind() != theirs.getKind()
        || !ours.getRecord().getName().equals(theirs.getRecord().getName())
        || !was.getRecord().getName().equals(theirs.getRecord().getName())) {
      return false;
    }
    RecordMerge.Result merge =
        RecordMerge.merge(was.getRecord(), ours.getRecord(), theirs.getRecord());
    SnapshotEntry merged = entryOf(theirs.toBuilder().setRecord(merge.merged()).build(), null);
    if (merge.conflicted()) {
      // The local version is kept in its copy before the merged record replaces it, so a crash
      // or a failed write between the two loses nothing.
      recordCopy(working, ours, options.device(), options.clock().millis());
    }
    if (sameState(merged, after)) {
      merged = after; // the store's changes were made here too
    } else {
      ApplyResult result = options.source().put(after, merged.item(), content);
      if (!(result instanceof ApplyResult.Applied done)) {
        return false;
      }
      merged = withStat(merged, done);
    }
    if (sameState(merged, target)) {
      local.remove(theirs.getId());
      working.put(merged);
    } else {
      local.put(new Pending(target, merged));
    }
    return true;
  }

  /** Writes the store's version of an item as a new item beside the local one. */
  private void conflictCopy(WorkingState working, SnapshotEntry remote, LogHeader header)
      throws IOException {
    Item item = remote.item();
    if (item.hasRecord()) {
      recordCopy(working, item, header.getOriginDevice(), header.getCreatedMillis());
      return;
    }
    conflicts++;
    for (int attempt = 0; attempt < 100 && !item.getPath().isEmpty(); attempt++) {
      String path =
          ConflictNames.of(
              item.getPath(), header.getOriginDevice(), header.getCreatedMillis(), attempt);
      Item copy = item.toBuilder().setId(options.newIds().get()).setPath(path).build();
      if (placeCopy(working, copy, null, null)) {
        return;
      }
    }
    throw new SyncException(
        "no free name for a conflict copy of "
            + item.getPath()
            + "; nothing was committed, sync again after renaming old conflict copies");
  }

  /**
   * Writes a version of a record as a second record ({@link RecordConflicts}), with the UID {@code
   * UID-conflict-DEVICE-MILLIS}: the device whose version it is and when.
   */
  private void recordCopy(WorkingState working, Item item, String device, long millis)
      throws IOException {
    conflicts++;
    for (int attempt = 0; attempt < 100; attempt++) {
      String uid =
          item.getUid()
              + "-conflict-"
              + device
              + "-"
              + millis
              + (attempt == 0 ? "" : "-" + attempt);
      if (working.byId(uid) == null
          && local.get(uid) == null
          && placeCopy(working, RecordConflicts.copy(item, uid), null, null)) {
        return;
      }
    }
    throw new SyncException(
        "no free UID for a conflict copy of record "
            + item.getUid()
            + "; nothing was committed, sync again after removing old conflict copies");
  }

  /** Moves the store's item aside to a conflict name, here and (by a pushed move) everywhere. */
  private void moveAside(
      WorkingState working, SnapshotEntry remote, LogHeader header, @Nullable SnapshotEntry local)
      throws IOException {
    conflicts++;
    Item item = remote.item();
    for (int attempt = 0; attempt < 100; attempt++) {
      String path =
          ConflictNames.of(
              item.getPath(), header.getOriginDevice(), header.getCreatedMillis(), attempt);
      Item moved = item.toBuilder().setPath(path).build();
      if (placeCopy(working, moved, remote, local)) {
        return;
      }
    }
    throw new SyncException("no free name for a conflict copy of " + item.getPath());
  }

  /**
   * Writes {@code copy} locally and records it as a local change from {@code storeState}. Returns
   * false when its name is taken.
   */
  private boolean placeCopy(
      WorkingState working,
      Item copy,
      @Nullable SnapshotEntry storeState,
      @Nullable SnapshotEntry localBase)
      throws IOException {
    SnapshotEntry entry = entryOf(copy, null);
    String key = entry.pathKey();
    if (key != null) {
      Pending there = local.atPathKey(key);
      SnapshotEntry found = there == null ? null : there.after();
      if (there != null
          && there.before() == null
          && found != null
          && found.version().equals(entry.version())) {
        // Written by an earlier, interrupted run, and found by this scan as a new item: it is
        // this copy.
        local.remove(there.id());
        local.put(
            new Pending(storeState, new SnapshotEntry(copy, entry.version(), key, found.stat())));
        conflictCopies.add(copy.getPath());
        return true;
      }
      if (there != null || working.byPathKey(key) != null) {
        return false;
      }
    }
    // The item's local copy, where there is one, is moved (not copied) to the new name.
    ApplyResult result = localBase == null ? null : options.source().put(localBase, copy, content);
    if (!(result instanceof ApplyResult.Applied)) {
      result = options.source().put(null, copy, content);
    }
    if (!(result instanceof ApplyResult.Applied done)) {
      return false;
    }
    local.put(new Pending(storeState, withStat(entry, done)));
    keepDirectoriesAbove(working, copy);
    conflictCopies.add(copy.getPath().isEmpty() ? copy.getUid() : copy.getPath());
    return true;
  }
}
