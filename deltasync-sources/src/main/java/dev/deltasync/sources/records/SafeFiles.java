package dev.deltasync.sources.records;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Writes the files of the record sources (.vcf, .ics) so that a crash leaves either the old or the
 * new content: a temporary file in the same directory, fsync, (for a conditional write, a check
 * that the file still holds what was read), an atomic rename, fsync of the directory.
 */
public final class SafeFiles {
  private SafeFiles() {}

  /** Names of temporary files; a vdir scan skips them (they start with a dot). */
  public static final String TEMP_PREFIX = ".deltasync-tmp-";

  /**
   * Makes {@code content} the content of {@code file} if the file still holds {@code expected}
   * (null: if it does not exist). Returns false, changing nothing, when it does not.
   */
  public static boolean write(Path file, byte @Nullable [] expected, byte[] content)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      throw new IOException(file + " is not a file in a directory");
    }
    Files.createDirectories(dir);
    Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      writeSynced(temp, content);
      if (expected == null) {
        return publishNew(temp, file);
      }
      if (!holds(file, expected)) {
        return false;
      }
      moveOver(temp, file, dir);
      return true;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Makes {@code content} the content of {@code file}, whatever it holds now (the caller checked);
   * a missing directory is created.
   */
  public static void replace(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      throw new IOException(file + " is not a file in a directory");
    }
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      syncDirectory(dir.getParent());
    }
    Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      writeSynced(temp, content);
      moveOver(temp, file, dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Deletes {@code file}, if it is there. */
  public static void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
    syncDirectory(file.toAbsolutePath().getParent());
  }

  /** Deletes {@code file} if it still holds {@code expected}; false when it does not. */
  public static boolean delete(Path file, byte[] expected) throws IOException {
    if (!holds(file, expected)) {
      return false;
    }
    Files.deleteIfExists(file);
    syncDirectory(file.toAbsolutePath().getParent());
    return true;
  }

  /** Renames {@code temp} over {@code file} (keeping its permissions), then fsyncs {@code dir}. */
  private static void moveOver(Path temp, Path file, Path dir) throws IOException {
    keepPermissions(file, temp);
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(dir);
  }

  private static void writeSynced(Path temp, byte[] content) throws IOException {
    try (FileChannel out =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
  }

  private static boolean holds(Path file, byte[] expected) throws IOException {
    try {
      return Arrays.equals(Files.readAllBytes(file), expected);
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Links {@code temp} as {@code file} only when no file is there; false when one is. */
  private static boolean publishNew(Path temp, Path file) throws IOException {
    try {
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | IOException e) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE); // no hard links: check, then move
    }
    syncDirectory(file.toAbsolutePath().getParent());
    return true;
  }

  private static void keepPermissions(Path existing, Path temp) throws IOException {
    try {
      Files.setPosixFilePermissions(
          temp, Files.getPosixFilePermissions(existing, LinkOption.NOFOLLOW_LINKS));
    } catch (UnsupportedOperationException | NoSuchFileException e) {
      // No POSIX permissions here, or nothing to keep them from.
    }
  }

  public static void syncDirectory(@Nullable Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; the rename is done regardless.
    }
  }
}
