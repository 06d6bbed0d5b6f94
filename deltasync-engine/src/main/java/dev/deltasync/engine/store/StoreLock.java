package dev.deltasync.engine.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a lock file, held by one thread of one process at a time.
 *
 * <p>Two layers: a {@link ReentrantLock} per lock file shared by every store instance in this JVM,
 * then {@link FileChannel#lock()} for other processes. The first layer is needed because the JVM
 * refuses a second overlapping file lock ({@code OverlappingFileLockException}), and because on
 * POSIX systems closing any channel on a file drops every lock this process holds on it: the
 * in-process lock guarantees that a lock file is open in at most one channel of this JVM at a time.
 * The lock file itself is never read or written.
 */
final class StoreLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private final ReentrantLock inProcess;
  private final FileChannel channel;
  private final FileLock fileLock;

  private StoreLock(ReentrantLock inProcess, FileChannel channel, FileLock fileLock) {
    this.inProcess = inProcess;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /**
   * Blocks until this thread holds the lock on {@code lockFile} (created when absent); its
   * directory must exist. The path must be absolute and normalised, so that every instance in this
   * JVM names the same file the same way.
   *
   * @throws InterruptedIOException when the thread is interrupted while waiting
   * @throws IllegalStateException when this thread already holds it
   */
  static StoreLock acquire(Path lockFile) throws IOException {
    ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(lockFile, f -> new ReentrantLock());
    if (inProcess.isHeldByCurrentThread()) {
      throw new IllegalStateException("this thread already holds " + lockFile);
    }
    try {
      inProcess.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + lockFile);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      return new StoreLock(inProcess, channel, channel.lock());
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      inProcess.unlock();
      throw e;
    }
  }

  /** Releases the lock. */
  @Override
  public void close() throws IOException {
    try (channel) {
      fileLock.release();
    } finally {
      inProcess.unlock();
    }
  }
}
