package dev.deltasync.sources.ical;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Crash-safe writes: a temporary file in the same directory, fsync, atomic rename over the target,
 * fsync of the directory. A crash leaves the old file or the new one, never a mix.
 */
final class SafeFiles {
  private SafeFiles() {}

  /** Temporary files start with this; a vdir scan skips names starting with a dot. */
  static final String TEMP_PREFIX = ".deltasync-tmp-";

  static void write(Path file, byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      syncDirectory(dir.getParent());
    }
    Path temp = file.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
    try {
      try (FileChannel out =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      keepPermissions(file, temp);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory(dir);
  }

  static void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
    syncDirectory(file.toAbsolutePath().getParent());
  }

  private static void keepPermissions(Path existing, Path temp) {
    try {
      if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(existing);
        Files.setPosixFilePermissions(temp, permissions);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // No POSIX permissions here; the new file gets the default ones.
    }
  }

  private static void syncDirectory(@Nullable Path dir) {
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
