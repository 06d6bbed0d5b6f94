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
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A folder as a {@link Source}: regular files, directories (empty ones too), and symbolic links,
 * which are synced as links and never followed. The folder's root holds a marker file, {@code
 * .deltasync}; a root without it after the first sync is taken for an unmounted disk and refused,
 * so that an empty mount point never turns into "delete everything".
 *
 * <p>Writes are atomic per file: a temporary file in the same directory, fsync, rename, fsync of
 * the directory. Before it replaces or deletes anything, the source checks the local object still
 * matches the snapshot; if not, nothing is changed and the engine keeps both versions.
 */
public final class FolderSource implements Source {
  private final Path root;
  private final PathKeys keys;
  private final FileReader reader;
  private final FileWriter writer;

  private IgnoreRules ignoreRules = IgnoreRules.none();

  /**
   * A file modified this close to the scan may be written again within the same mtime tick without
   * its stat changing; its stat is not cached, so the next scan reads it again.
   */
  private static final long RACY_NANOS = 2_000_000_000L;

  private long scanStartNanos;

  private FolderSource(Path root, PathKeys keys) {
    this.root = root;
    this.keys = keys;
    this.reader = new FileReader(keys);
    this.writer = new FileWriter(root, reader, keys);
  }

  /**
   * Opens the folder at {@code root}, creating it when absent.
   *
   * @throws IOException when it cannot be created or probed
   */
  public static FolderSource open(Path root) throws IOException {
    Path absolute = root.toAbsolutePath().normalize();
    Files.createDirectories(absolute);
    return new FolderSource(absolute, PathKeys.probe(absolute));
  }

  public Path root() {
    return root;
  }

  @Override
  public String pathKey(String path) {
    return keys.of(path);
  }

  @Override
  public void scan(ScanContext context) throws IOException {
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
    ignoreRules = IgnoreRules.load(root);
    scanStartNanos = System.currentTimeMillis() * 1_000_000L;
    walk(context);
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
    while (!pending.isEmpty()) {
      Map.Entry<Path, String> next = pending.pop();
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(next.getKey())) {
        entries.forEach(children::add);
      } catch (NoSuchFileException | NotDirectoryException e) {
        continue; // deleted or replaced while we walked
      }
      children.sort(Comparator.comparing(c -> c.getFileName().toString()));
      List<Map.Entry<Path, String>> subdirectories = new ArrayList<>();
      for (Path child : children) {
        String name = child.getFileName().toString();
        String path = next.getValue().isEmpty() ? name : next.getValue() + "/" + name;
        if (ReservedNames.isReserved(path)) {
          removeLeftover(child, name);
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(child, view, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue;
        }
        if (ignoreRules.ignores(path, attrs.isDirectory())) {
          continue;
        }
        visit(child, path, attrs, context);
        if (attrs.isDirectory()) {
          subdirectories.add(Map.entry(child, path));
        }
      }
      for (int k = subdirectories.size() - 1; k >= 0; k--) {
        pending.push(subdirectories.get(k));
      }
    }
  }

  /** Deletes a temporary file an interrupted write left behind an hour or more ago. */
  private static void removeLeftover(Path file, String name) throws IOException {
    if (!name.startsWith(ReservedNames.TEMP_PREFIX)) {
      return;
    }
    try {
      BasicFileAttributes attrs = FileReader.attributes(file);
      long ageMillis = System.currentTimeMillis() - attrs.lastModifiedTime().toMillis();
      if (!attrs.isDirectory() && ageMillis > LEFTOVER_MILLIS) {
        Files.deleteIfExists(file);
      }
    } catch (NoSuchFileException e) {
      // gone already
    }
  }

  private static final long LEFTOVER_MILLIS = 3_600_000L;

  private void visit(Path file, String path, BasicFileAttributes attrs, ScanContext context)
      throws IOException {
    if (attrs.isRegularFile()) {
      Optional<SnapshotEntry> previous = context.previous(keys.of(path));
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

  /** Follows the root's {@code .deltasyncignore} as of the last scan. */
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

  @Override
  public void close() {}

  static boolean isEmptyDirectory(Path dir) throws IOException {
    try (var entries = Files.newDirectoryStream(dir)) {
      return !entries.iterator().hasNext();
    } catch (DirectoryNotEmptyException e) {
      return false;
    }
  }
}
