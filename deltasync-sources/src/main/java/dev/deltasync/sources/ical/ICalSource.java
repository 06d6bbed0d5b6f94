package dev.deltasync.sources.ical;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.Source;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.sources.records.SafeFiles;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.fortuna.ical4j.util.CompatibilityHints;
import org.jspecify.annotations.Nullable;

/**
 * An iCalendar collection as a {@link Source}: one {@code .ics} file, or a directory of them (a
 * vdir, one calendar object per file, as vdirsyncer, Radicale and Evolution keep them). Each item
 * is one UID: its VEVENT or VTODO master with its overrides (same UID, with RECURRENCE-ID) and the
 * VTIMEZONEs they reference, as a record {@code VCALENDAR} without properties of its own.
 *
 * <p>Lossless: the text is split into blocks without going through ical4j's typed model; a file
 * that is scanned and not written is never touched, and writing one item leaves every other byte of
 * the file as it was. Malformed items are reported ({@link #problems()}) with file and line,
 * skipped, and never seen as deleted: the snapshot's version is reported in their place. The rules
 * are in {@code docs/icalendar.md}.
 *
 * <p>In a single file, {@link #put} and {@link #remove} change nothing on disk: they work on the
 * file as the scan read it plus the changes so far ({@link CalendarBatch}), each costing the size
 * of its item, and {@link #flush} writes the file once. {@link #close} without flush writes
 * nothing. A vdir writes one small file per put or remove at once.
 *
 * <p>Stat cache: an item's {@link dev.deltasync.engine.snapshot.FileStat} is the fingerprint of its
 * raw text ({@link Fingerprints}); an item whose text has the fingerprint of its snapshot entry is
 * reported from the snapshot without being parsed.
 *
 * <p>No network access ever: ical4j's time-zone updates are off ({@code ical4j.properties}) and its
 * typed model, which would load time zones, is not used. Not thread-safe; one sync at a time.
 */
public final class ICalSource implements Source {
  private static final System.Logger LOG = System.getLogger(ICalSource.class.getName());

  static {
    CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_RELAXED_UNFOLDING, true);
    CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_RELAXED_PARSING, true);
    CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_RELAXED_VALIDATION, true);
    CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_OUTLOOK_COMPATIBILITY, true);
  }

  private final Path target;
  private final boolean singleFile;

  /** The layout of each file as last read or written here. */
  private final Map<Path, CalendarText> layouts = new HashMap<>();

  /** The file of each UID; null until the first scan or lookup. Vdir mode only. */
  private @Nullable Map<String, Path> index;

  /** Single-file mode: the puts and removes since the last scan, written by {@link #flush}. */
  private @Nullable CalendarBatch batch;

  private final List<String> problems = new ArrayList<>();

  private ICalSource(Path target, boolean singleFile) {
    this.target = target;
    this.singleFile = singleFile;
  }

  /**
   * Opens {@code target}: a directory (existing, or a missing path not ending in {@code .ics}) is a
   * vdir, anything else a single file. Nothing is read or created yet.
   */
  public static ICalSource open(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    boolean single;
    if (Files.isDirectory(absolute)) {
      single = false;
    } else if (Files.exists(absolute)) {
      single = true;
    } else {
      Path name = absolute.getFileName();
      single = name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".ics");
    }
    return new ICalSource(absolute, single);
  }

  /** The file or vdir. */
  public Path target() {
    return target;
  }

  /**
   * What the last scan could not sync, each with file and line: malformed items, components without
   * UID, duplicate UIDs.
   */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  @Override
  public boolean keeps(ItemKind kind) {
    return kind == ItemKind.KIND_EVENT || kind == ItemKind.KIND_TODO;
  }

  @Override
  public String pathKey(String path) {
    return path;
  }

  @Override
  public @Nullable String refuse(String path) {
    return null;
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    problems.clear();
    batch = null; // a new sync: what the last one did not flush is dropped
    if (!Files.exists(target)) {
      if (!context.firstSync()) {
        throw new IOException(
            "the calendar "
                + target
                + " is missing: if it is on a disk that is not mounted, mount it and sync again."
                + " Nothing was changed. To start this calendar afresh, bind the collection to"
                + " an existing file or directory.");
      }
      index = new HashMap<>();
      if (singleFile) {
        batch = new CalendarBatch(CalendarText.parse(target, new byte[0]), false);
      }
      return; // a first sync: created when the first item is written
    }
    if (singleFile == Files.isDirectory(target)) {
      throw new IOException(
          target
              + " was a "
              + (singleFile ? "file" : "directory")
              + " when the source was opened and is not one now; nothing was changed");
    }
    Map<String, Path> found = new HashMap<>();
    int withoutUid = 0;
    for (Path file : files()) {
      CalendarText text = load(file);
      if (text == null) {
        continue;
      }
      if (singleFile) {
        batch = new CalendarBatch(text, true);
      }
      problems.addAll(text.problems);
      withoutUid += text.withoutUid;
      for (CalendarText.ItemText item : text.items.values()) {
        Path other = found.putIfAbsent(item.uid, file);
        if (other != null) {
          problems.add(
              text.where(text.lines.get(item.parts().get(0).firstLine).number())
                  + ": duplicate UID "
                  + item.uid
                  + ", also in "
                  + other
                  + "; this one is not synced and is kept as it is. Give it another UID or delete"
                  + " one of the two.");
          continue;
        }
        report(context, text, item);
      }
    }
    index = found;
    if (withoutUid > 0 && !context.firstSync()) {
      // One of them may be an item synced before whose UID line broke: nothing missing may
      // become a delete.
      context.holdDeletes(
          withoutUid
              + " event(s) or to-do(s) in "
              + target
              + " have no UID, so no item missing from this scan is taken for deleted");
    }
    for (String problem : problems) {
      LOG.log(Level.WARNING, problem);
      context.problem(problem);
    }
  }

  private void report(ScanContext context, CalendarText text, CalendarText.ItemText item)
      throws IOException {
    Optional<SnapshotEntry> previous = context.previousRecord(item.uid);
    if (previous.isPresent() && item.fingerprint.equals(previous.get().stat())) {
      context.found(previous.get());
      return;
    }
    try {
      Item read = itemOf(item, RecordReader.read(text, item));
      context.found(new SnapshotEntry(read, ItemVersions.of(read), null, item.fingerprint));
    } catch (RecordReader.MalformedItemException e) {
      if (previous.isPresent()) {
        problems.add(
            e.getMessage()
                + "; the item is not synced until this is fixed (the other devices keep its last"
                + " synced version)");
        context.found(previous.get());
      } else {
        problems.add(e.getMessage() + "; the item is not synced until this is fixed");
      }
    }
  }

  private static Item itemOf(CalendarText.ItemText item, Component record) {
    return Item.newBuilder()
        .setKind(item.name.equals("VTODO") ? ItemKind.KIND_TODO : ItemKind.KIND_EVENT)
        .setUid(item.uid)
        .setRecord(record)
        .build();
  }

  @Override
  public ApplyResult put(@Nullable SnapshotEntry expected, Item target, ContentReader content)
      throws IOException {
    String uid = target.getUid();
    checkWritable(target);
    Located here = locate(uid, expected != null);
    if (expected == null) {
      if (here != null) {
        Item local = readOrNull(here);
        if (local != null && ItemVersions.of(local).equals(ItemVersions.of(target))) {
          return new ApplyResult.Applied(here.item.fingerprint);
        }
        return new ApplyResult.LocalChanged(
            ApplyResult.Reason.PATH_TAKEN,
            "an event or to-do with UID " + uid + " exists already in " + here.text.file);
      }
    } else {
      if (here == null) {
        return new ApplyResult.LocalChanged(
            ApplyResult.Reason.MISSING,
            "the item with UID " + uid + " is gone from " + this.target);
      }
      if (!matches(here, expected)) {
        return changed(here);
      }
    }
    if (singleFile) {
      return new ApplyResult.Applied(batch().put(uid, target.getRecord()));
    }
    CalendarText text;
    if (here != null) {
      text = here.text;
    } else {
      text = CalendarText.parse(newFile(uid), new byte[0]);
    }
    byte[] updated =
        CalendarEdit.apply(text, here == null ? null : here.item, target.getRecord(), uid);
    SafeFiles.replace(text.file, updated);
    CalendarText written = remember(text.file, updated);
    CalendarText.ItemText item = written.items.get(uid);
    if (item == null) {
      throw new IOException("wrote " + uid + " into " + text.file + " but cannot find it there");
    }
    index().put(uid, text.file);
    return new ApplyResult.Applied(item.fingerprint);
  }

  @Override
  public ApplyResult remove(SnapshotEntry expected) throws IOException {
    String uid = expected.item().getUid();
    Located here = locate(uid, true);
    if (here == null) {
      return new ApplyResult.Applied(null);
    }
    if (!matches(here, expected)) {
      return changed(here);
    }
    if (singleFile) {
      batch().remove(uid);
      return new ApplyResult.Applied(null);
    }
    byte[] updated = CalendarEdit.apply(here.text, here.item, null, uid);
    CalendarText after = CalendarText.parse(here.text.file, updated);
    if (!after.holdsComponents()) {
      SafeFiles.delete(here.text.file);
      layouts.remove(here.text.file);
    } else {
      SafeFiles.replace(here.text.file, updated);
      layouts.put(here.text.file, after);
    }
    index().remove(uid);
    return new ApplyResult.Applied(null);
  }

  /** Writes the single file now, as {@link #flush} does: see {@link Source#checkpoint}. */
  @Override
  public void checkpoint() throws IOException {
    flush();
  }

  /**
   * Single-file mode: writes every put and remove since the scan (or the last checkpoint) into the
   * file, in one crash-safe write (temporary file, fsync, rename). Nothing happens when there were
   * none, or when they leave the file as it was.
   *
   * @throws IOException when the file is no longer the bytes the scan read (another program changed
   *     it): nothing is written, and the next sync reads it again; or when it cannot be written,
   *     which leaves it as it was
   */
  @Override
  public void flush() throws IOException {
    CalendarBatch pending = batch;
    if (pending == null || !pending.changed()) {
      return;
    }
    byte[] onDisk;
    try {
      onDisk = Files.readAllBytes(target);
    } catch (NoSuchFileException e) {
      onDisk = null;
    }
    boolean unchanged =
        pending.existed
            ? onDisk != null && Arrays.equals(onDisk, pending.base.bytes)
            : onDisk == null;
    if (!unchanged) {
      throw new IOException(
          "the calendar " + target + " changed while syncing; nothing was written, sync again");
    }
    byte[] updated = pending.bytes();
    batch = null;
    if (!Arrays.equals(updated, pending.base.bytes)) {
      SafeFiles.replace(target, updated);
      remember(target, updated);
    }
  }

  /** Drops what was put or removed since the last flush: nothing of it is written. */
  @Override
  public void close() {
    batch = null;
  }

  /** The changes of this sync to the single file, begun on the file as it is when none were. */
  private CalendarBatch batch() throws IOException {
    CalendarBatch current = batch;
    if (current == null) {
      CalendarText text = load(target);
      current =
          text != null
              ? new CalendarBatch(text, true)
              : new CalendarBatch(CalendarText.parse(target, new byte[0]), false);
      batch = current;
    }
    return current;
  }

  private static void checkWritable(Item target) throws IOException {
    if (target.getUid().isEmpty()
        || !(target.getKind() == ItemKind.KIND_EVENT || target.getKind() == ItemKind.KIND_TODO)
        || !target.hasRecord()
        || !target.getRecord().getName().equals("VCALENDAR")) {
      throw new IOException(
          "cannot write item '"
              + target.getId()
              + "' into a calendar: it is not an event or to-do with a UID and a VCALENDAR record"
              + " (kind "
              + target.getKind()
              + ")");
    }
  }

  private ApplyResult changed(Located here) {
    return new ApplyResult.LocalChanged(
        ApplyResult.Reason.CHANGED,
        "the item with UID " + here.item.uid + " in " + here.text.file + " changed since the scan");
  }

  /** Whether the local item is still {@code expected}: the same text, or the same content. */
  private boolean matches(Located here, SnapshotEntry expected) {
    if (here.item.fingerprint.equals(expected.stat())) {
      return true;
    }
    Item local = readOrNull(here);
    return local != null && ItemVersions.of(local).equals(expected.version());
  }

  private static @Nullable Item readOrNull(Located here) {
    try {
      return itemOf(here.item, RecordReader.read(here.text, here.item));
    } catch (RecordReader.MalformedItemException e) {
      return null;
    }
  }

  /** An item where it is now: its text and its blocks there. */
  record Located(CalendarText text, CalendarText.ItemText item) {}

  /**
   * Finds the item with {@code uid}: in a single file, as the changes of this sync left it; in a
   * vdir, reading its file again, and on a miss with {@code search} every file again (the item may
   * have moved to another file).
   */
  private @Nullable Located locate(String uid, boolean search) throws IOException {
    if (singleFile) {
      return batch().find(uid);
    }
    Path file = index().get(uid);
    if (file != null) {
      CalendarText text = load(file);
      CalendarText.ItemText item = text == null ? null : text.items.get(uid);
      if (text != null && item != null) {
        return new Located(text, item);
      }
    }
    if (!search) {
      return null;
    }
    index = null;
    file = index().get(uid);
    if (file != null) {
      CalendarText text = load(file);
      CalendarText.ItemText item = text == null ? null : text.items.get(uid);
      if (text != null && item != null) {
        return new Located(text, item);
      }
    }
    return null;
  }

  private Map<String, Path> index() throws IOException {
    Map<String, Path> current = index;
    if (current == null) {
      current = new HashMap<>();
      if (Files.exists(target)) {
        for (Path file : files()) {
          CalendarText text = load(file);
          if (text != null) {
            for (String uid : text.items.keySet()) {
              current.putIfAbsent(uid, file);
            }
          }
        }
      }
      index = current;
    }
    return current;
  }

  /** The calendar files: the target, or the vdir's {@code *.ics} files (no hidden ones), sorted. */
  private List<Path> files() throws IOException {
    if (singleFile) {
      return List.of(target);
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(".")
            && name.toLowerCase(Locale.ROOT).endsWith(".ics")
            && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          files.add(entry);
        }
      }
    }
    files.sort(null);
    return files;
  }

  /** The file's layout, from the cache when its bytes are unchanged; null when it is gone. */
  private @Nullable CalendarText load(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      layouts.remove(file);
      return null;
    }
    CalendarText cached = layouts.get(file);
    if (cached != null && Arrays.equals(cached.bytes, bytes)) {
      return cached;
    }
    return remember(file, bytes);
  }

  private CalendarText remember(Path file, byte[] bytes) {
    CalendarText text = CalendarText.parse(file, bytes);
    layouts.put(file, text);
    return text;
  }

  /** A free file name in the vdir for a new item. */
  private Path newFile(String uid) {
    String name = VdirNames.forUid(uid);
    Path file = target.resolve(name);
    String stem = name.substring(0, name.length() - ".ics".length());
    for (int n = 2; Files.exists(file, LinkOption.NOFOLLOW_LINKS); n++) {
      file = target.resolve(stem + "-" + n + ".ics");
    }
    return file;
  }
}
