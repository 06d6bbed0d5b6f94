package dev.deltasync.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;

/**
 * The lock of a home while a command changes it or syncs: an OS file lock on {@code HOME/lock},
 * which ends with the process, so a crash never leaves a stale lock. The file holds the pid of the
 * holder, for the message.
 */
final class HomeLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private HomeLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock, or refuses at once when another process holds it.
   *
   * @param doing what the caller is about to do, for the message
   * @throws UserException when another process holds it
   */
  static HomeLock acquire(Home home, String doing) throws IOException {
    home.create();
    FileChannel channel =
        FileChannel.open(
            home.lockFile(),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(channel);
      channel.close();
      throw new UserException(
          "another deltasync"
              + holder
              + " is working in the home "
              + home.dir()
              + " (it holds "
              + home.lockFile()
              + "); not going to "
              + doing
              + " at the same time. Wait for it to finish and try again.");
    }
    try {
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
          0);
    } catch (IOException | RuntimeException e) {
      channel.close(); // releases the lock: a lock we cannot record must not stay held
      throw e;
    }
    return new HomeLock(channel, lock);
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      channel.read(buffer, 0);
      String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
      return pid.matches("[0-9]+") ? " (process " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
