package dev.deltasync.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The few file operations the directory store builds its crash safety on: write-fsync-rename,
 * directory fsync, durable directory creation.
 */
final class Durable {
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Durable() {}

  /**
   * Makes a rename or a new entry in {@code dir} durable. Windows cannot open a directory for
   * fsync; there NTFS journals the rename itself and this does nothing.
   */
  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (!WINDOWS) {
        throw e;
      }
    }
  }

  /** Writes all of {@code data} at {@code position}. */
  static void writeFully(FileChannel channel, ByteBuffer data, long position) throws IOException {
    long at = position;
    while (data.hasRemaining()) {
      at += channel.write(data, at);
    }
  }

  /**
   * Writes {@code data} to {@code temp} (replacing it), fsyncs it, renames it to {@code target}
   * atomically (replacing it) and fsyncs the directory: afterwards {@code target} holds exactly
   * {@code data}, or after a crash either that or its previous state.
   */
  static void replace(Path temp, Path target, byte[] data) throws IOException {
    writeSynced(temp, data);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Path dir = target.toAbsolutePath().getParent();
    if (dir != null) {
      fsyncDirectory(dir);
    }
  }

  /** Writes a temporary file for {@link #publish}. */
  @FunctionalInterface
  interface TempWriter<T> {
    T write(Path temp) throws IOException;
  }

  /**
   * Has {@code writer} write and fsync {@code temp}, renames it to {@code target} atomically and
   * fsyncs the directory; if anything fails, {@code temp} is removed and the failure rethrown.
   *
   * @return what {@code writer} returned
   */
  static <T> T publish(Path temp, Path target, TempWriter<T> writer) throws IOException {
    T result;
    try {
      result = writer.write(temp);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    Path dir = target.toAbsolutePath().getParent();
    if (dir != null) {
      fsyncDirectory(dir);
    }
    return result;
  }

  /** Like {@link #replace}, with a fresh temporary name beside {@code target}. */
  static void replace(Path target, byte[] data) throws IOException {
    Path temp = target.resolveSibling("." + target.getFileName() + "-" + nonce() + ".tmp");
    try {
      replace(temp, target, data);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Writes {@code data} to {@code file}, replacing its contents, and fsyncs it. */
  static void writeSynced(Path file, byte[] data) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(channel, ByteBuffer.wrap(data), 0);
      channel.force(true);
    }
  }

  /**
   * Creates {@code dir} and any missing parents below {@code base} (which exists), fsyncing each
   * parent that gained an entry, so that the directories survive a crash.
   */
  static void createDirectories(Path base, Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null && !parent.equals(base)) {
      createDirectories(base, parent);
    }
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
      // Created by someone else a moment ago, who may not have fsynced the parent yet.
    }
    if (parent != null) {
      fsyncDirectory(parent);
    }
  }

  /** 16 random hex digits, for temporary names that must not clash between processes. */
  static String nonce() {
    return HexFormat.of().toHexDigits(RANDOM.nextLong());
  }
}
