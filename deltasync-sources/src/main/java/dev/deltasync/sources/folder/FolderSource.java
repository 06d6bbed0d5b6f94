package dev.deltasync.sources.folder;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.Source;
import dev.deltasync.engine.SyncException;
import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.ItemPaths;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A folder as a {@link Source}: regular files, directories (empty ones too), and symbolic links,
 * which are synced as links and never followed. The folder's root holds a marker file, {@code
 * .deltasync}; a root without it after the first sync is taken for an unmounted disk and refused,
 * so that an empty mount point never turns into "delete everything".
 *
 * <p>Writes are atomic per file: a temporary file in the same directory, fsync, rename, fsync of
 * the directory. New files are held back and published in batches, at the latest at {@link
 * #checkpoint} ({@link FileWriter#publishHeld}). Before it replaces or deletes anything, the source
 * checks the local object still matches the snapshot; if not, nothing is changed and the engine
 * keeps both versions.
 *
 * <p>{@code .deltasyncignore} files, in any directory, exclude paths from sync on this device (see
 * {@link IgnoreRules}); they do not travel themselves. A directory deleted elsewhere that still
 * holds ignored files here is kept for them, but is no longer an item: it is not reported, so it
 * does not come back on the other devices ({@link KeptDirectories}).
 */
public final class FolderSource implements Source {
  private final Path root;
  private final PathKeys keys;
  private final FileReader reader;
  private final FileWriter writer;
  private final KeptDirectories kept;

  /** The rules of the rule files found by the last scan. */
  private IgnoreRules ignoreRules = IgnoreRules.none();

  /**
   * A file modified this close to the scan may be written again within the same mtime tick without
   * its stat changing; its stat is not cached, so the next scan reads it again.
   */
  private static final long RACY_NANOS = 2_000_000_000L;

  private long scanStartNanos;

  private FolderSource(
      Path root, PathKeys keys, KeptDirectories kept, Function<Path, FileSystemSync> fileSystems) {
    this.root = root;
    this.keys = keys;
    this.kept = kept;
    this.reader = new FileReader(keys);
    this.writer = new FileWriter(root, reader, keys, this::keepForIgnored, fileSystems);
  }

  /**
   * Opens the folder at {@code root}, creating it when absent.
   *
   * @throws IOException when it cannot be created or probed
   */
  public static FolderSource open(Path root) throws IOException {
    return open(root, FileSystemSync::of);
  }

  /** {@link #open(Path)} whose new files are made durable by {@code fileSystems}' (for tests). */
  static FolderSource open(Path root, Function<Path, FileSystemSync> fileSystems)
      throws IOException {
    Path absolute = root.toAbsolutePath().normalize();
    Files.createDirectories(absolute);
    PathKeys keys = PathKeys.probe(absolute);
    return new FolderSource(absolute, keys, KeptDirectories.load(absolute, keys), fileSystems);
  }

  public Path root() {
    return root;
  }

  @Override
  public boolean keeps(ItemKind kind) {
    return kind == ItemKind.KIND_FILE
        || kind == ItemKind.KIND_DIRECTORY
        || kind == ItemKind.KIND_SYMLINK;
  }

  @Override
  public String pathKey(String path) {
    return keys.of(path);
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    writer.discardHeld(); // a sync that failed after writing them committed nothing
    Path marker = root.resolve(ReservedNames.MARKER);
    if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
      if (!context.firstSync()) {
        throw new SyncException(
            "the folder "
                + root
                + " has lost its "
                + ReservedNames.MARKER
                + " marker: if it is on a disk that is not mounted, mount it and sync again."
                + " Nothing was changed. If you emptied the folder on purpose, create the marker"
                + " again (an empty file named "
                + ReservedNames.MARKER
                + ") and sync.");
      }
      FileWriter.createMarker(marker);
    }
    ignoreRules = IgnoreRules.none(); // the walk reads each rule file as it enters its directory
    kept.forgetMissing(root);
    scanStartNanos = System.currentTimeMillis() * 1_000_000L;
    // A sync of this folder was stopped while it wrote (killed, or the machine went down): its
    // temp files are leftovers whatever their age. No write of this sync has begun yet.
    removeAllTemps = writer.wasInterrupted();
    walk(context);
    if (removeAllTemps) {
      writer.forgetInterrupted();
      removeAllTemps = false;
    }
  }

  /**
   * Visits every entry below the root, depth first, names in sorted order (so every scan, on any
   * file system, sees the same order), with one {@code lstat} per entry and no links followed.
   */
  private void walk(ScanContext context) throws IOException {
    boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    Class<? extends BasicFileAttributes> view =
        posix ? PosixFileAttributes.class : BasicFileAttributes.class;
    Deque<Map.Entry<Path, String>> pending = new ArrayDeque<>();
    pending.push(Map.entry(root, ""));
    try (DirectoryReader ahead = new DirectoryReader(view)) {
      while (!pending.isEmpty()) {
        Map.Entry<Path, String> next = pending.pop();
        List<DirectoryReader.Entry> listed = ahead.take(next.getKey());
        if (listed == null) {
          continue; // deleted or replaced while we walked
        }
        List<DirectoryReader.Entry> children = syncedFirst(listed, next.getValue(), context);
        if (hasRuleFile(children)) {
          ignoreRules = ignoreRules.withFileIn(next.getValue(), next.getKey());
        }
        List<Map.Entry<Path, String>> subdirectories = new ArrayList<>();
        for (DirectoryReader.Entry entry : children) {
          Path child = entry.path();
          String name = entry.name();
          String path = next.getValue().isEmpty() ? name : next.getValue() + "/" + name;
          if (ReservedNames.isReserved(path)) {
            removeLeftover(child, name);
            continue;
          }
          BasicFileAttributes attrs = entry.attributes();
          if (attrs == null) {
            continue; // vanished
          }
          if (ignoreRules.ignores(path, attrs.isDirectory())) {
            continue;
          }
          if (attrs.isDirectory() && kept.contains(path)) {
            if (context.previous(keys.of(path)).isEmpty()
                && holding(child, path, false) != Holding.SYNCED) {
              continue; // still only a holder of ignored files, or gone now
            }
            kept.remove(path); // it holds something to sync, or is an item again
          }
          visit(child, path, attrs, context);
          if (attrs.isDirectory()) {
            subdirectories.add(Map.entry(child, path));
          }
        }
        for (int k = subdirectories.size() - 1; k >= 0; k--) {
          pending.push(subdirectories.get(k));
          ahead.expect(subdirectories.get(k).getKey()); // the first one is read first
        }
      }
    }
  }

  /**
   * The entries in the walk's order, except that of names this file system treats as the same (two
   * Unicode normalizations of one name can both exist here), the one the snapshot has comes first:
   * the scan finds an item under the first name of a path key and reports the others, so the synced
   * file keeps its item and a newcomer is the one reported, never the other way round. Only names
   * with non-ASCII characters can differ so; a directory without them is not looked at.
   */
  private List<DirectoryReader.Entry> syncedFirst(
      List<DirectoryReader.Entry> entries, String parent, ScanContext context) throws IOException {
    boolean nonAscii = false;
    for (DirectoryReader.Entry entry : entries) {
      if (!isAscii(entry.name())) {
        nonAscii = true;
        break;
      }
    }
    if (!nonAscii) {
      return entries;
    }
    // The entries of each path key with more than one name, by the key's first position.
    Map<String, List<Integer>> byKey = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      String name = entries.get(i).name();
      if (!isAscii(name)) {
        byKey
            .computeIfAbsent(
                keys.of(parent.isEmpty() ? name : parent + "/" + name), k -> new ArrayList<>())
            .add(i);
      }
    }
    Map<Integer, Integer> moveBefore = new HashMap<>(); // synced entry's index, by its key's first
    for (Map.Entry<String, List<Integer>> group : byKey.entrySet()) {
      List<Integer> positions = group.getValue();
      if (positions.size() < 2) {
        continue;
      }
      Optional<SnapshotEntry> synced = context.previous(group.getKey());
      for (int position : positions.subList(1, positions.size())) {
        String name = entries.get(position).name();
        String path = parent.isEmpty() ? name : parent + "/" + name;
        if (synced.isPresent() && synced.get().item().getPath().equals(path)) {
          moveBefore.put(positions.get(0), position);
        }
      }
    }
    if (moveBefore.isEmpty()) {
      return entries;
    }
    List<DirectoryReader.Entry> ordered = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Integer synced = moveBefore.get(i);
      if (synced != null) {
        ordered.add(entries.get(synced));
      }
      if (!moveBefore.containsValue(i)) {
        ordered.add(entries.get(i));
      }
    }
    return ordered;
  }

  private static boolean isAscii(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasRuleFile(List<DirectoryReader.Entry> children) {
    for (DirectoryReader.Entry child : children) {
      if (child.name().equals(IgnoreRules.FILE_NAME)) {
        return true;
      }
    }
    return false;
  }

  /** What a directory holds, as far as syncing goes. */
  private enum Holding {
    /** Nothing: it was empty, and has been deleted. */
    NOTHING,
    /** Only what does not sync: ignored entries, the source's own files, kept directories. */
    UNSYNCED_ONLY,
    /** Something that syncs. */
    SYNCED
  }

  /**
   * What {@code dir} holds. Kept directories inside it that hold only what does not sync count as
   * not syncing; those found empty are deleted (which finishes the remote delete that kept them),
   * and so is {@code dir} when it holds nothing.
   *
   * @param removing whether a remote change deletes {@code dir} (its temporary files, leftovers of
   *     interrupted writes, are deleted then), rather than the scan looking at a kept directory
   *     (whose rule file it reads first)
   */
  private Holding holding(Path dir, String path, boolean removing) throws IOException {
    if (!removing) {
      ignoreRules = ignoreRules.withFileIn(path, dir);
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      entries.forEach(children::add);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return Holding.NOTHING;
    }
    boolean holds = false;
    for (Path child : children) {
      String name = child.getFileName().toString();
      String childPath = path + "/" + name;
      BasicFileAttributes attrs;
      try {
        attrs = FileReader.attributes(child);
      } catch (NoSuchFileException e) {
        continue;
      }
      if (ReservedNames.isReserved(childPath)) {
        if (removing && !attrs.isDirectory()) {
          Files.deleteIfExists(child);
        } else {
          removeLeftover(child, name); // the walk does not go into kept directories
          holds |= Files.exists(child, LinkOption.NOFOLLOW_LINKS);
        }
      } else if (ignoreRules.ignores(childPath, attrs.isDirectory())) {
        holds = true;
      } else if (attrs.isDirectory() && kept.contains(childPath)) {
        Holding inside = holding(child, childPath, removing);
        if (inside == Holding.SYNCED) {
          return Holding.SYNCED;
        }
        holds |= inside == Holding.UNSYNCED_ONLY;
      } else {
        return Holding.SYNCED;
      }
    }
    if (holds) {
      return Holding.UNSYNCED_ONLY;
    }
    try {
      Files.delete(dir); // fails, atomically, when something was put in it meanwhile
    } catch (DirectoryNotEmptyException e) {
      return Holding.SYNCED;
    } catch (NoSuchFileException e) {
      // gone already
    }
    FileWriter.syncDirectory(dir.getParent());
    kept.remove(path);
    return Holding.NOTHING;
  }

  /**
   * Called when a remote change deletes a directory that is not empty here: when it holds only what
   * does not sync here (ignored files; temporary files, which are deleted), it is kept for those
   * and no longer synced, and the delete counts as done. Returns false when it holds something that
   * syncs.
   */
  private boolean keepForIgnored(Path dir, String path) throws IOException {
    Holding holding = holding(dir, path, true);
    if (holding == Holding.UNSYNCED_ONLY) {
      kept.add(path);
    }
    return holding != Holding.SYNCED;
  }

  /**
   * Deletes a temporary file an interrupted write left behind: an hour or more ago, or at any time
   * when the last sync that wrote here did not end ({@link #removeAllTemps}).
   */
  private void removeLeftover(Path file, String name) throws IOException {
    if (!name.startsWith(ReservedNames.TEMP_PREFIX)) {
      return;
    }
    try {
      BasicFileAttributes attrs = FileReader.attributes(file);
      long ageMillis = System.currentTimeMillis() - attrs.lastModifiedTime().toMillis();
      if (!attrs.isDirectory() && (removeAllTemps || ageMillis > LEFTOVER_MILLIS)) {
        Files.deleteIfExists(file);
      }
    } catch (NoSuchFileException e) {
      // gone already
    }
  }

  private static final long LEFTOVER_MILLIS = 3_600_000L;

  /** Set by {@link #scan} while it walks after a sync that was stopped while it wrote. */
  private boolean removeAllTemps;

  private void visit(Path file, String path, BasicFileAttributes attrs, ScanContext context)
      throws IOException {
    if (attrs.isRegularFile()) {
      String key = keys.of(path);
      if (attrs instanceof PosixFileAttributes posix
          && context.unchanged(
              key,
              path,
              FileReader.stat(attrs),
              ItemVersions.isExecutable(FileReader.mode(posix)))) {
        return; // the stat cache's fast path: same path, stat and executable bit
      }
      Optional<SnapshotEntry> previous = context.previous(key);
      if (previous.isPresent()
          && previous.get().item().getPath().equals(path)
          && FileReader.stat(attrs).equals(previous.get().stat())) {
        // Content unchanged: not read again. A chmod changes no size or mtime, so the mode is
        // compared on its own.
        SnapshotEntry known = previous.get();
        int mode =
            attrs instanceof PosixFileAttributes posix
                ? FileReader.mode(posix)
                : known.item().getFile().getMode();
        if (ItemVersions.isExecutable(mode)
            != ItemVersions.isExecutable(known.item().getFile().getMode())) {
          Item item =
              known.item().toBuilder()
                  .setFile(known.item().getFile().toBuilder().setMode(mode))
                  .build();
          known = reader.entry(item, known.stat());
        }
        context.found(known);
        return;
      }
    }
    SnapshotEntry entry = reader.read(file, path, context::content);
    if (entry != null) {
      FileStat stat = entry.stat();
      if (stat != null && stat.mtimeNanos() >= scanStartNanos - RACY_NANOS) {
        entry = new SnapshotEntry(entry.item(), entry.version(), entry.pathKey(), null);
      }
      context.found(entry);
    }
  }

  /** Follows the {@code .deltasyncignore} files as the last scan found them. */
  @Override
  public boolean ignores(String path, boolean directory) {
    return ignoreRules.ignores(path, directory);
  }

  @Override
  public @Nullable String refuse(String path) throws IOException {
    String problem = ItemPaths.problem(path);
    if (problem != null) {
      return problem;
    }
    if (path.indexOf('\\') >= 0 && !root.getFileSystem().getSeparator().equals("/")) {
      return "contains a backslash, a separator on this system";
    }
    if (ReservedNames.isReserved(path) || ReservedNames.isReserved(keys.of(path))) {
      return "names one of deltasync's own files";
    }
    Path parent = root.resolve(path).getParent();
    for (Path dir = parent; dir != null && !dir.equals(root); dir = dir.getParent()) {
      if (Files.isSymbolicLink(dir)) {
        return "goes through the symbolic link " + root.relativize(dir);
      }
    }
    return null;
  }

  @Override
  public ApplyResult put(@Nullable SnapshotEntry expected, Item target, ContentReader content)
      throws IOException {
    return writer.put(expected, target, content);
  }

  @Override
  public ApplyResult remove(SnapshotEntry expected) throws IOException {
    return writer.remove(expected);
  }

  /** Publishes the new files held back (see {@link FileWriter#publishHeld}). */
  @Override
  public void checkpoint() throws IOException {
    writer.publishHeld();
  }

  @Override
  public void flush() throws IOException {
    writer.publishHeld();
  }

  /** New files still held back were never visible, and are dropped. */
  @Override
  public void close() {
    writer.discardHeld();
    writer.close();
  }

  static boolean isEmptyDirectory(Path dir) throws IOException {
    try (var entries = Files.newDirectoryStream(dir)) {
      return !entries.iterator().hasNext();
    } catch (DirectoryNotEmptyException e) {
      return false;
    }
  }
}
