package dev.deltasync.server.backend.embedded;

import dev.deltasync.server.backend.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Blobs as files under {@code DATA/blobs/}, staging areas under {@code DATA/staging/}. A blob is
 * written to a temporary file, fsynced, renamed into place and its directory fsynced, so it is
 * visible only complete and durable. Temporary files left by a crash are removed on open.
 */
public final class FileBlobStore implements BlobStore {
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
  private static final String TEMP_SUFFIX = ".tmp";

  private final Path blobs;
  private final Path staging;

  private FileBlobStore(Path blobs, Path staging) {
    this.blobs = blobs;
    this.staging = staging;
  }

  /** Opens the blob store of a data directory, creating it and removing leftover temp files. */
  public static FileBlobStore open(Path dataDir) throws IOException {
    Path blobs = Files.createDirectories(dataDir.resolve("blobs"));
    Path staging = Files.createDirectories(dataDir.resolve("staging"));
    try (var files = Files.walk(blobs)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (file.getFileName().toString().endsWith(TEMP_SUFFIX)) {
          Files.deleteIfExists(file);
        }
      }
    }
    return new FileBlobStore(blobs, staging);
  }

  @Override
  public long publish(String key, InputStream in, long maxBytes) throws IOException {
    Path target = blob(key);
    createDurably(Objects.requireNonNull(target.getParent()));
    Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
    try {
      long written;
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        written = copy(in, channel, maxBytes);
        channel.force(true);
      }
      move(temp, target);
      return written;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public long appendStaged(String stagingKey, long offset, InputStream in, long maxBytes)
      throws IOException {
    Path file = staged(stagingKey);
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      // One writer at a time, in this process and in others (the lock ends with the channel):
      // two requests at the same offset would otherwise both pass the offset check and write.
      lockOrRefuse(channel);
      long size = channel.size();
      if (offset != size) {
        throw new IllegalArgumentException(
            "the upload has " + size + " bytes; continue it at offset " + size);
      }
      channel.position(size);
      try {
        copy(in, channel, maxBytes - size);
      } finally {
        // What arrived before a failure (a client that went away) stays, durable, for a resume.
        channel.force(true);
      }
      return channel.size();
    }
  }

  @Override
  public long stagedSize(String stagingKey) throws IOException {
    try {
      return Files.size(staged(stagingKey));
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  @Override
  public SeekableByteChannel openStaged(String stagingKey) throws IOException {
    return FileChannel.open(staged(stagingKey), StandardOpenOption.READ);
  }

  @Override
  public void promote(String stagingKey, String key) throws IOException {
    Path source = staged(stagingKey);
    Path target = blob(key);
    createDurably(Objects.requireNonNull(target.getParent()));
    try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
      // The same lock as appendStaged: a PATCH still writing must not grow a published blob.
      lockOrRefuse(channel);
      channel.force(true);
      move(source, target);
    }
  }

  @Override
  public void discardStaged(String stagingKey) throws IOException {
    Files.deleteIfExists(staged(stagingKey));
  }

  @Override
  public InputStream open(String key, long offset) throws IOException {
    FileChannel channel = FileChannel.open(blob(key), StandardOpenOption.READ);
    channel.position(offset);
    return Channels.newInputStream(channel);
  }

  @Override
  public SeekableByteChannel openChannel(String key) throws IOException {
    return FileChannel.open(blob(key), StandardOpenOption.READ);
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(blob(key));
  }

  @Override
  public void close() {}

  private Path blob(String key) {
    return blobs.resolve(checked(key));
  }

  private Path staged(String key) {
    return staging.resolve(checked(key).replace('/', '_'));
  }

  private static String checked(String key) {
    if (!KEY.matcher(key).matches() || key.contains("..")) {
      throw new IllegalArgumentException("not a blob key: " + key);
    }
    return key;
  }

  /** Copies at most {@code maxBytes}; throws {@link TooLarge} when there are more. */
  private static long copy(InputStream in, FileChannel channel, long maxBytes) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    boolean end = false;
    while (!end) {
      // Whole buffers: the body arrives in pieces of a few KiB, and a write per piece was most of
      // an upload's syscalls. What was read before a failure is written all the same.
      int filled = 0;
      Exception failure = null;
      try {
        while (filled < buffer.length) {
          int n = in.read(buffer, filled, buffer.length - filled);
          if (n < 0) {
            end = true;
            break;
          }
          if (total + filled + n > maxBytes) {
            throw new TooLarge(maxBytes); // the piece that goes past the limit is not kept
          }
          filled += n;
        }
      } catch (IOException | RuntimeException e) {
        failure = e;
      }
      try {
        write(channel, buffer, filled);
      } catch (IOException e) {
        if (failure == null) {
          throw e;
        }
        failure.addSuppressed(e); // the reason the copy stopped comes first
      }
      total += filled;
      if (failure instanceof IOException io) {
        throw io;
      }
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
    }
    return total;
  }

  private static void write(FileChannel channel, byte[] buffer, int length) throws IOException {
    ByteBuffer wrapped = ByteBuffer.wrap(buffer, 0, length);
    while (wrapped.hasRemaining()) {
      channel.write(wrapped);
    }
  }

  /**
   * Creates {@code dir} and any missing parents below the blob root, fsyncing each parent after a
   * new entry appears in it, so that a blob published into a new directory survives a crash.
   */
  private void createDurably(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null && !parent.equals(blobs.getParent())) {
      createDurably(parent);
    }
    try {
      Files.createDirectory(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return; // made by another request meanwhile
    }
    if (parent != null) {
      try (FileChannel channel = FileChannel.open(parent, StandardOpenOption.READ)) {
        channel.force(true);
      }
    }
  }

  /**
   * Locks a staging file for this request, in this process and in others (the lock ends with the
   * channel).
   *
   * @throws IllegalArgumentException when another request holds it
   */
  private static void lockOrRefuse(FileChannel channel) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new IllegalArgumentException("another request is appending to this upload");
    }
  }

  /** Renames atomically and fsyncs the directory, so the name survives a crash. */
  private static void move(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the data directory does not support atomic renames: " + target, e);
    }
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}
