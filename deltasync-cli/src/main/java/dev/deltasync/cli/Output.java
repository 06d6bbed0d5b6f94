package dev.deltasync.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/** Writes a command's result to stdout or, durably and atomically, to a file. */
final class Output {
  private Output() {}

  /**
   * Writes {@code bytes} to {@code file}, or to stdout when it is null.
   *
   * @param binary refuse to write to stdout when it is a terminal
   */
  static void write(@Nullable Path file, byte[] bytes, boolean binary) throws IOException {
    if (file == null || file.toString().equals("-")) {
      if (binary && Terminal.isInteractive()) {
        throw new UserException(
            "not writing a binary change log to the terminal: use -o FILE or redirect stdout",
            ErrorHandler.EXIT_BAD_INPUT);
      }
      OutputStream out = System.out;
      out.write(bytes);
      out.flush();
      return;
    }
    writeAtomically(file.toAbsolutePath(), bytes);
  }

  /** Temp file beside the target, fsync, rename over the target, fsync of the directory. */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path dir = target.getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(bytes));
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
        directory.force(true);
      } catch (IOException ignored) {
        // Some file systems cannot open a directory for fsync; the rename is done regardless.
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
