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
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Writes items into the folder, safely: check, temp file, fsync, atomic rename, fsync dir. */
final class FileWriter {
  /** Decides about a directory a remote change deletes that is not empty here. */
  interface NonEmptyDirectories {
    /**
     * Returns true when the delete counts as done although {@code dir} (at {@code path}) is not
     * empty: it holds nothing that syncs (and is kept for that), or was emptied and deleted.
     */
    boolean deleted(Path dir, String path) throws IOException;
  }

  private final Path root;
  private final FileReader reader;
  private final PathKeys keys;
  private final NonEmptyDirectories nonEmpty;

  FileWriter(Path root, FileReader reader, PathKeys keys, NonEmptyDirectories nonEmpty) {
    this.root = root;
    this.reader = reader;
    this.keys = keys;
    this.nonEmpty = nonEmpty;
  }

  ApplyResult put(@Nullable SnapshotEntry expected, Item target, ContentReader content)
      throws IOException {
    Path dest = root.resolve(target.getPath());
    Path src = null;
    FileStat checked = null; // the local item's stat when it was found unchanged
    boolean moving = false;
    boolean sameContent = false;
    if (expected != null) {
      src = root.resolve(expected.item().getPath());
      moving = !keys.of(expected.item().getPath()).equals(keys.of(target.getPath()));
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
        try {
          FileStat written =
              writeTemp(temp, dest, target.getFile(), localContent(src, expected, content));
          if (expected == null || moving) {
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

  /** Writes the new content to {@code temp} (fsynced, with mode and mtime) and returns its stat. */
  private FileStat writeTemp(Path temp, Path dest, FileBody body, ContentReader content)
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
      out.force(true);
    }
    keepPermissions(dest, temp);
    setExecutable(temp, ItemVersions.isExecutable(body.getMode()));
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
    try {
      Files.createLink(to, from);
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | IOException e) {
      if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE); // no hard links here: check, then move
      syncDirectory(to.getParent());
      return true;
    }
    Files.delete(from);
    syncDirectory(to.getParent());
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

  private static Path temp(Path dest) {
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
    Path temp = temp(marker);
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
