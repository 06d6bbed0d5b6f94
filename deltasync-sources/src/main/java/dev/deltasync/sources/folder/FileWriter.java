package dev.deltasync.sources.folder;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.SyncException;
import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Writes items into the folder, safely: check, temp file, fsync, atomic rename, fsync dir. New
 * files are held back and published in batches, a full one in the background while the next is
 * written ({@link #publishHeld} waits for all): until then a put that returned {@code Applied} is
 * not visible, and a place taken meanwhile fails the batch instead of returning {@code
 * LocalChanged}. Not thread-safe: one sync uses it at a time.
 */
final class FileWriter {
  /** Decides about a directory a remote change deletes that is not empty here. */
  interface NonEmptyDirectories {
    /**
     * Returns true when the delete counts as done although {@code dir} (at {@code path}) is not
     * empty: it holds nothing that syncs (and is kept for that), or was emptied and deleted.
     */
    boolean deleted(Path dir, String path) throws IOException;
  }

  /** New files held back at most, before they are published. */
  static final int HELD_FILES = 512;

  /** Bytes of new files held back at most (they sit in the page cache until fsynced). */
  static final long HELD_BYTES = 64L * 1024 * 1024;

  /**
   * Threads that fsync held files and directories: the file system commits their fsyncs together.
   */
  static final int FSYNC_THREADS = 16;

  /** A new file written to its temp file, not yet fsynced nor visible at {@code dest}. */
  private record Held(Path temp, Path dest, String path) {}

  private final Path root;
  private final FileReader reader;
  private final PathKeys keys;
  private final NonEmptyDirectories nonEmpty;
  private final Function<Path, FileSystemSync> fileSystems;

  /** The folder's file system, opened before the first new file is written; null till then. */
  private volatile @Nullable FileSystemSync fileSystem;

  private final Map<String, Held> held = new LinkedHashMap<>(); // by path key
  private long heldBytes;
  private volatile @Nullable ExecutorService fsyncs;

  /** The batch being published in the background, and the path keys of its files. */
  private @Nullable Future<?> publishing;

  private Set<String> publishingKeys = Set.of();
  private @Nullable ExecutorService publisher;

  /** Whether this writer made temp files, and so {@link ReservedNames#WRITING}. */
  private boolean writing;

  FileWriter(Path root, FileReader reader, PathKeys keys, NonEmptyDirectories nonEmpty) {
    this(root, reader, keys, nonEmpty, FileSystemSync::of);
  }

  /** {@code fileSystems} opens the sync of the folder's file system (for tests). */
  FileWriter(
      Path root,
      FileReader reader,
      PathKeys keys,
      NonEmptyDirectories nonEmpty,
      Function<Path, FileSystemSync> fileSystems) {
    this.root = root;
    this.reader = reader;
    this.keys = keys;
    this.nonEmpty = nonEmpty;
    this.fileSystems = fileSystems;
  }

  ApplyResult put(@Nullable SnapshotEntry expected, Item target, ContentReader content)
      throws IOException {
    boolean isNew =
        expected == null
            && (target.getKind() == ItemKind.KIND_FILE
                || target.getKind() == ItemKind.KIND_DIRECTORY);
    String key = keys.of(target.getPath());
    if (!isNew || held.containsKey(key) || publishingKeys.contains(key)) {
      publishHeld(); // what follows may look at, or replace, what is held
    }
    Path dest = root.resolve(target.getPath());
    Path src = null;
    FileStat checked = null; // the local item's stat when it was found unchanged
    boolean moving = false;
    boolean sameContent = false;
    if (expected != null) {
      src = root.resolve(expected.item().getPath());
      moving = !keys.of(expected.item().getPath()).equals(key);
      sameContent = expected.version().equals(ItemVersions.of(target));
      ApplyResult.LocalChanged changed = changedSince(src, expected);
      if (changed != null) {
        return changed;
      }
      checked = FileReader.stat(FileReader.attributes(src));
    }
    if (expected == null || moving) {
      if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
        SnapshotEntry there = reader.read(dest, target.getPath(), null);
        if (expected == null
            && there != null
            && there.item().getKind() == target.getKind()
            && there.version().equals(ItemVersions.of(target))) {
          return new ApplyResult.Applied(there.stat()); // already as asked
        }
        return new ApplyResult.LocalChanged(
            ApplyResult.Reason.PATH_TAKEN, target.getPath() + " is taken by a local item");
      }
    }
    requireRealParents(dest);
    Path parent = dest.getParent();
    if (parent != null) {
      createDirectoriesDurably(parent);
    }
    switch (target.getKind()) {
      case KIND_DIRECTORY -> {
        createDirectoriesDurably(dest);
        if (moving
            && src != null
            && Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)
            && FolderSource.isEmptyDirectory(src)) {
          Files.delete(src);
        }
        return new ApplyResult.Applied(null);
      }
      case KIND_SYMLINK -> {
        Path temp = temp(dest);
        try {
          Files.createSymbolicLink(temp, Path.of(target.getSymlink().getTarget()));
          if (expected == null || moving) {
            if (!publishNew(temp, dest)) {
              return taken(target);
            }
          } else {
            rename(temp, dest);
          }
        } finally {
          Files.deleteIfExists(temp);
        }
        if (moving && src != null) {
          Files.deleteIfExists(src);
        }
        return new ApplyResult.Applied(null);
      }
      case KIND_FILE -> {
        if (moving && src != null && sameContent) {
          // Same content: a rename, no copy; published without replacing anything.
          FileStat kept = FileReader.stat(FileReader.attributes(src)); // inode and mtime survive
          if (!publishNew(src, dest)) {
            return taken(target);
          }
          syncDirectory(src.getParent());
          return new ApplyResult.Applied(kept);
        }
        Path temp = temp(dest);
        if (expected == null) {
          return hold(key, temp, dest, target, content);
        }
        try {
          FileStat written =
              writeTemp(
                  temp, dest, target.getFile(), localContent(src, expected, content), true, false);
          if (moving) {
            if (!publishNew(temp, dest)) {
              return taken(target);
            }
          } else if (!FileReader.stat(FileReader.attributes(dest)).equals(checked)) {
            // Written to by the user while the new version was being made: keep theirs.
            return new ApplyResult.LocalChanged(
                ApplyResult.Reason.CHANGED, target.getPath() + " was changed locally");
          } else {
            rename(temp, dest);
          }
          if (moving
              && src != null
              && FileReader.stat(FileReader.attributes(src)).equals(checked)) {
            Files.deleteIfExists(src);
            syncDirectory(src.getParent());
          }
          // The stat of what was written, taken before it became visible: a user's write right
          // after it then shows as a change at the next scan instead of passing for ours.
          return new ApplyResult.Applied(written);
        } finally {
          Files.deleteIfExists(temp);
        }
      }
      default ->
          throw new IOException(
              "a folder holds files, directories and links, not " + target.getKind());
    }
  }

  ApplyResult remove(SnapshotEntry expected) throws IOException {
    publishHeld();
    Path path = root.resolve(expected.item().getPath());
    requireRealParents(path);
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return new ApplyResult.Applied(null);
    }
    ApplyResult.LocalChanged changed = changedSince(path, expected);
    if (changed != null) {
      return changed;
    }
    FileStat checked = FileReader.stat(FileReader.attributes(path));
    ApplyResult.LocalChanged notEmpty =
        new ApplyResult.LocalChanged(
            ApplyResult.Reason.CHANGED,
            expected.item().getPath() + " is a directory that is not empty");
    if (expected.item().getKind() == ItemKind.KIND_DIRECTORY) {
      try {
        Files.delete(path); // fails, atomically, when something was put in it
      } catch (DirectoryNotEmptyException e) {
        // Ignored files in it are kept, and it with them, but it is not synced any more.
        return nonEmpty.deleted(path, expected.item().getPath())
            ? new ApplyResult.Applied(null)
            : notEmpty;
      }
    } else {
      // The stat is checked again right before the delete: an edit made after the content was
      // compared is kept.
      if (!FileReader.stat(FileReader.attributes(path)).equals(checked)) {
        return new ApplyResult.LocalChanged(
            ApplyResult.Reason.CHANGED, expected.item().getPath() + " was changed locally");
      }
      Files.delete(path);
    }
    syncDirectory(path.getParent());
    return new ApplyResult.Applied(null);
  }

  /**
   * Writes a new file to a temp file beside its place and holds it back: a full batch is published
   * in the background ({@link #publishInBackground}), the rest by {@link #publishHeld}, which waits
   * for both. Publishing makes the held files durable together, makes each visible where nothing is
   * in the way, and makes their directories durable ({@link #publish}). A crash before that leaves
   * only temp files, which the next scan removes ({@link ReservedNames#WRITING} says a sync was
   * stopped while it wrote): the place is as it was. The stat returned is the file's: its inode and
   * mtime stay when it is published.
   */
  private ApplyResult hold(String key, Path temp, Path dest, Item target, ContentReader content)
      throws IOException {
    if (fileSystem == null) {
      fileSystem = fileSystems.apply(root); // before the write: it reports errors from then on
    }
    FileStat written;
    try {
      written = writeTemp(temp, dest, target.getFile(), content, false, true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    held.put(key, new Held(temp, dest, target.getPath()));
    heldBytes += target.getFile().getSize();
    if (held.size() >= HELD_FILES || heldBytes >= HELD_BYTES) {
      publishInBackground();
    }
    return new ApplyResult.Applied(written);
  }

  /**
   * Publishes the held files on a thread of their own while the next ones are written: the fsyncs
   * of a batch took a fifth of a first sync's apply. One batch at a time: this waits for the one
   * before, and throws what it failed with.
   */
  private void publishInBackground() throws IOException {
    awaitPublishing();
    List<Held> files = takeHeld();
    ExecutorService thread = publisher;
    if (thread == null) {
      thread = Executors.newSingleThreadExecutor(daemon("deltasync-publish"));
      publisher = thread;
    }
    Set<String> batchKeys = new HashSet<>();
    for (Held file : files) {
      batchKeys.add(keys.of(file.path()));
    }
    publishingKeys = batchKeys;
    publishing =
        thread.submit(() -> {
          publish(files);
          return null;
        });
  }

  /** Waits for the batch published in the background, if any; throws what it failed with. */
  private void awaitPublishing() throws IOException {
    Future<?> running = publishing;
    if (running == null) {
      return;
    }
    // Interrupted: the batch stays in flight (and is waited for again, or by close).
    IOException failed = failureOf(running, "publishing new files");
    publishing = null;
    publishingKeys = Set.of();
    if (failed != null) {
      throw failed;
    }
  }

  /**
   * Waits for {@code task} and returns what it failed with (an exception that is not an IOException
   * wrapped in one), or null.
   */
  private static @Nullable IOException failureOf(Future<?> task, String what)
      throws InterruptedIOException {
    try {
      task.get();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + what);
    } catch (ExecutionException e) {
      return e.getCause() instanceof IOException io
          ? io
          : new IOException(what + " failed", e.getCause());
    }
  }

  private List<Held> takeHeld() {
    List<Held> files = new ArrayList<>(held.values());
    held.clear();
    heldBytes = 0;
    return files;
  }

  /**
   * Makes every held new file durable and visible. When a local item took one's place since it was
   * written, that file is not published and this throws: the sync must not commit, and the next one
   * sees the local item (the other held files are published; a sync adopts them).
   */
  void publishHeld() throws IOException {
    awaitPublishing();
    if (!held.isEmpty()) {
      publish(takeHeld());
    }
  }

  /**
   * Publishes {@code files}: one sync of the file system where it can ({@link FileSystemSync}),
   * else an fsync of each file on several threads (the file system commits them together); then a
   * hard link to each place, and again one sync of the file system, else an fsync of each of their
   * directories.
   */
  private void publish(List<Held> files) throws IOException {
    List<String> missed = new ArrayList<>();
    Set<Path> linked = new HashSet<>();
    FileSystemSync opened = fileSystem;
    FileSystemSync whole = opened == null ? FileSystemSync.NONE : opened;
    for (Held file : files) {
      Path parent = file.temp().getParent();
      if (parent != null && !whole.covers(parent)) {
        whole = FileSystemSync.NONE; // one on another file system: fsync each file of the batch
        break;
      }
    }
    try {
      Set<Path> gone = ConcurrentHashMap.newKeySet(); // their directory was moved or deleted
      if (!whole.sync()) {
        inParallel(
            files.stream().map(Held::temp).toList(),
            temp -> {
              try {
                fsyncFile(temp);
              } catch (NoSuchFileException e) {
                gone.add(temp);
              }
            });
      }
      Set<Path> directories = new LinkedHashSet<>();
      for (Held file : files) {
        boolean published;
        try {
          // A temp whose directory was moved or deleted: the link (and the move tried after it)
          // throws NoSuchFileException, whether or not its fsync found it gone.
          published = !gone.contains(file.temp()) && linkNew(file.temp(), file.dest());
        } catch (NoSuchFileException e) {
          published = false;
        }
        Path parent = file.dest().getParent();
        if (!published) {
          missed.add(file.path());
        } else {
          linked.add(file.temp()); // and its temp name removed
          if (parent != null) {
            directories.add(parent);
          }
        }
      }
      if (!whole.sync()) {
        inParallel(List.copyOf(directories), FileWriter::syncDirectory);
      }
    } finally {
      for (Held file : files) {
        if (!linked.contains(file.temp())) {
          deleteQuietly(file.temp());
        }
      }
    }
    if (!missed.isEmpty()) {
      throw new SyncException(
          missed.size()
              + " new file(s) could not be put in place: a local item took the place, or their"
              + " directory was moved or deleted while the sync ran (for example "
              + missed.get(0)
              + "); nothing of this log is committed. Sync again.");
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // A leftover temp file: a later scan removes it.
    }
  }

  /**
   * Drops held files that were never published (of a sync that failed: it committed nothing, and
   * the next one writes them again); they were never visible.
   */
  void discardHeld() {
    try {
      awaitPublishing(); // what it published stays: a sync adopts it
    } catch (IOException | RuntimeException e) {
      // The sync failed already; its temp files were removed by the publishing itself.
    }
    for (Held file : takeHeld()) {
      deleteQuietly(file.temp());
    }
  }

  /**
   * Whether a sync that wrote here was stopped before it ended: {@link ReservedNames#WRITING} is
   * there and not this writer's. Its temp files are leftovers, whatever their age.
   */
  boolean wasInterrupted() {
    return !writing && Files.exists(root.resolve(ReservedNames.WRITING), LinkOption.NOFOLLOW_LINKS);
  }

  /** Removes a stopped sync's {@link ReservedNames#WRITING}, once its temp files are gone. */
  void forgetInterrupted() throws IOException {
    if (!writing) {
      Files.deleteIfExists(root.resolve(ReservedNames.WRITING));
    }
  }

  /**
   * Stops the fsync and publishing threads. A batch still in flight (its wait was interrupted) is
   * interrupted and waited for, so that nothing links files after the sync has ended.
   */
  void close() {
    ExecutorService thread = publisher;
    if (thread != null) {
      thread.shutdownNow();
      publisher = null;
      boolean interrupted = Thread.interrupted();
      try {
        thread.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        interrupted = true;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      publishing = null;
      publishingKeys = Set.of();
    }
    ExecutorService pool = fsyncs;
    if (pool != null) {
      pool.shutdownNow();
      fsyncs = null;
    }
    FileSystemSync opened = fileSystem;
    if (opened != null) {
      opened.close();
      fileSystem = null;
    }
    if (writing) {
      // Every temp of this sync is gone (published, discarded, or renamed over its file).
      deleteQuietly(root.resolve(ReservedNames.WRITING));
      writing = false;
    }
  }

  private interface PathAction {
    void run(Path path) throws IOException;
  }

  /** Runs {@code action} on every path, on up to {@link #FSYNC_THREADS} threads; waits for all. */
  private void inParallel(List<Path> paths, PathAction action) throws IOException {
    if (paths.size() <= 1) {
      for (Path path : paths) {
        action.run(path);
      }
      return;
    }
    ExecutorService pool = fsyncs;
    if (pool == null) {
      pool = Executors.newFixedThreadPool(FSYNC_THREADS, daemon("deltasync-fsync"));
      fsyncs = pool;
    }
    List<Future<?>> running = new ArrayList<>();
    for (Path path : paths) {
      running.add(
          pool.submit(() -> {
            action.run(path);
            return null;
          }));
    }
    IOException failed = null;
    for (Future<?> future : running) {
      IOException failure = failureOf(future, "making files durable");
      if (failed == null) {
        failed = failure;
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** Daemon threads named {@code name}: a sync that ends does not wait for them to stop. */
  private static ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void fsyncFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /**
   * Refuses, right before a write, any path whose directories include a symbolic link: the last
   * line of defence against writing outside the folder, whatever the engine checked before.
   */
  private void requireRealParents(Path target) throws IOException {
    for (Path dir = target.getParent(); dir != null && !dir.equals(root); dir = dir.getParent()) {
      if (Files.isSymbolicLink(dir)) {
        throw new SyncException(
            "refusing to write "
                + root.relativize(target)
                + ": it goes through the symbolic link "
                + root.relativize(dir));
      }
    }
  }

  /** Why the local object no longer matches {@code expected}, or null when it does. */
  private ApplyResult.@Nullable LocalChanged changedSince(Path path, SnapshotEntry expected)
      throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return new ApplyResult.LocalChanged(
          ApplyResult.Reason.MISSING, expected.item().getPath() + " was deleted locally");
    }
    // Before anything is replaced or deleted the content is compared, never only the stat: a
    // write that keeps size and mtime (touch -r, rsync --inplace -t) must not be lost.
    SnapshotEntry now = reader.read(path, expected.item().getPath(), null);
    if (now == null
        || now.item().getKind() != expected.item().getKind()
        || !now.version().equals(expected.version())) {
      return new ApplyResult.LocalChanged(
          ApplyResult.Reason.CHANGED, expected.item().getPath() + " was changed locally");
    }
    return null;
  }

  /**
   * Content for a new version of a local file: chunks the old version has are read from it
   * (verified), only the others from {@code remote}. A small edit of a big file downloads little.
   */
  private static ContentReader localContent(
      @Nullable Path old, @Nullable SnapshotEntry expected, ContentReader remote) {
    if (old == null || expected == null || expected.item().getKind() != ItemKind.KIND_FILE) {
      return remote;
    }
    Map<ChunkId, long[]> local = new HashMap<>();
    long offset = 0;
    for (ChunkRef ref : expected.item().getFile().getChunksList()) {
      local.putIfAbsent(ChunkId.of(ref.getId()), new long[] {offset, ref.getLength()});
      offset += ref.getLength();
    }
    return id -> {
      long[] at = local.get(id);
      if (at != null) {
        byte[] data = new byte[(int) at[1]];
        try (FileChannel in = FileChannel.open(old, StandardOpenOption.READ)) {
          ByteBuffer buffer = ByteBuffer.wrap(data);
          while (buffer.hasRemaining() && in.read(buffer, at[0] + buffer.position()) >= 0) {
            // positional reads until the chunk is complete or the file ends
          }
        } catch (NoSuchFileException e) {
          return remote.chunk(id);
        }
        if (ChunkId.sha256(data).equals(id)) {
          return data;
        }
      }
      return remote.chunk(id);
    };
  }

  /**
   * Writes the new content to {@code temp} (with mode and mtime; fsynced when asked) and returns
   * its stat. {@code isNew}: nothing was at {@code dest} when it was checked, so there are no
   * permissions to keep.
   */
  private FileStat writeTemp(
      Path temp, Path dest, FileBody body, ContentReader content, boolean fsync, boolean isNew)
      throws IOException {
    long written = 0;
    try (FileChannel out =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (ChunkRef ref : body.getChunksList()) {
        byte[] data = content.chunk(ChunkId.of(ref.getId()));
        if (data.length != ref.getLength()) {
          throw new IOException(
              "chunk "
                  + ChunkId.of(ref.getId())
                  + " has "
                  + data.length
                  + " bytes, not "
                  + ref.getLength());
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        written += data.length;
      }
      if (written != body.getSize()) {
        throw new IOException(
            "content of " + dest + " adds up to " + written + " bytes, not " + body.getSize());
      }
      if (fsync) {
        out.force(true);
      }
    }
    boolean executable = ItemVersions.isExecutable(body.getMode());
    if (!isNew) {
      keepPermissions(dest, temp);
      setExecutable(temp, executable);
    } else if (executable) {
      // A new file was created with the umask's permissions, which have no execute bit (open
      // asks for rw at most): only an executable one needs them changed.
      setExecutable(temp, true);
    }
    if (body.getMtimeNanos() != 0) {
      Files.setLastModifiedTime(temp, FileTime.from(body.getMtimeNanos(), TimeUnit.NANOSECONDS));
    }
    return FileReader.stat(FileReader.attributes(temp));
  }

  /**
   * Makes {@code from} visible as {@code to} only if nothing is there (a hard link fails when the
   * name exists, where a rename would replace it), then removes {@code from}. Returns false when
   * {@code to} is taken.
   */
  private static boolean publishNew(Path from, Path to) throws IOException {
    if (!linkNew(from, to)) {
      return false;
    }
    syncDirectory(to.getParent());
    return true;
  }

  /** {@link #publishNew} without the fsync of the directory. */
  private static boolean linkNew(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from);
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | IOException e) {
      if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE); // no hard links here: check, then move
      return true;
    }
    Files.delete(from);
    return true;
  }

  private static ApplyResult.LocalChanged taken(Item target) {
    return new ApplyResult.LocalChanged(
        ApplyResult.Reason.PATH_TAKEN, target.getPath() + " is taken by a local item");
  }

  /** A new version of a local file keeps the file's permissions; only +x is synced. */
  private static void keepPermissions(Path existing, Path temp) throws IOException {
    try {
      if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        Files.setPosixFilePermissions(
            temp, Files.getPosixFilePermissions(existing, LinkOption.NOFOLLOW_LINKS));
      }
    } catch (UnsupportedOperationException e) {
      // No POSIX permissions on this file system.
    }
  }

  private static void setExecutable(Path file, boolean executable) throws IOException {
    try {
      Set<PosixFilePermission> permissions =
          EnumSet.copyOf(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
      if (executable) {
        permissions.add(PosixFilePermission.OWNER_EXECUTE);
        if (permissions.contains(PosixFilePermission.GROUP_READ)) {
          permissions.add(PosixFilePermission.GROUP_EXECUTE);
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
          permissions.add(PosixFilePermission.OTHERS_EXECUTE);
        }
      } else {
        permissions.remove(PosixFilePermission.OWNER_EXECUTE);
        permissions.remove(PosixFilePermission.GROUP_EXECUTE);
        permissions.remove(PosixFilePermission.OTHERS_EXECUTE);
      }
      Files.setPosixFilePermissions(file, permissions);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // No POSIX permissions here (e.g. FAT); the executable bit cannot be kept.
    }
  }

  /**
   * A new temp name beside {@code dest}. The first of a sync puts {@link ReservedNames#WRITING} in
   * the root first (not fsynced: after a crash of the machine the temps are left to the hour rule),
   * and {@link #close} removes it once no temp of the sync is left.
   */
  private Path temp(Path dest) throws IOException {
    if (!writing) {
      try {
        Files.createFile(root.resolve(ReservedNames.WRITING));
      } catch (FileAlreadyExistsException e) {
        // a stopped sync's, which the scan did not get to remove: it says the same
      }
      writing = true;
    }
    return dest.resolveSibling(ReservedNames.TEMP_PREFIX + UUID.randomUUID());
  }

  static void rename(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(to.getParent());
  }

  /**
   * Creates the missing directories one level at a time and fsyncs each new one's parent, so a
   * power loss after the snapshot commit cannot take back a directory the snapshot lists.
   */
  private void createDirectoriesDurably(Path dir) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null && !parent.equals(root)) {
      createDirectoriesDurably(parent);
    }
    try {
      Files.createDirectory(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
    }
    syncDirectory(parent);
  }

  static void syncDirectory(@Nullable Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; the rename is done regardless.
    }
  }

  static void createMarker(Path marker) throws IOException {
    Path temp = marker.resolveSibling(ReservedNames.TEMP_PREFIX + UUID.randomUUID());
    Files.writeString(
        temp,
        "This folder is synced by deltasync. Do not delete this file: without it, deltasync\n"
            + "takes the folder for a disk that is not mounted and refuses to sync it.\n");
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    rename(temp, marker);
  }
}
