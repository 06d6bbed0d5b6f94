package dev.deltasync.server.backend;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;

/**
 * Bulk bytes: large logs, packs, snapshots, and uploads in progress. Keys are opaque strings the
 * server makes up ({@code [A-Za-z0-9/_.-]}); a blob never changes once published.
 *
 * <p>Contract: thread-safe and safe for several server processes. {@link #publish} makes a blob
 * visible only once complete and durable; a crash leaves either nothing or the whole blob. Staging
 * areas (for resumable uploads) are visible only to the server. Failures underneath throw {@link
 * IOException}.
 */
public interface BlobStore extends Closeable {
  /**
   * Writes the whole of {@code in} (at most {@code maxBytes}) as the blob {@code key}, durable and
   * visible when this returns.
   *
   * @return the number of bytes written
   * @throws TooLarge when {@code in} has more than {@code maxBytes}; nothing is left behind
   */
  long publish(String key, InputStream in, long maxBytes) throws IOException;

  /**
   * Appends {@code in} to the staging area {@code stagingKey} at {@code offset}, which must be its
   * current size, keeping at most {@code maxBytes} in all. Bytes received before a failure stay, so
   * an interrupted upload resumes from {@link #stagedSize}.
   *
   * @return the staging area's new size
   * @throws IllegalArgumentException when {@code offset} is not the current size, or another append
   *     to the same staging area is under way
   * @throws TooLarge when the area would exceed {@code maxBytes}
   */
  long appendStaged(String stagingKey, long offset, InputStream in, long maxBytes)
      throws IOException;

  /** The size of a staging area; 0 when nothing was staged. */
  long stagedSize(String stagingKey) throws IOException;

  /** Reads a staging area (to verify it before {@link #promote}). */
  SeekableByteChannel openStaged(String stagingKey) throws IOException;

  /**
   * Makes the staged bytes the durable, visible blob {@code key} and ends the staging area.
   *
   * @throws IllegalArgumentException when an {@link #appendStaged} is still writing to it
   */
  void promote(String stagingKey, String key) throws IOException;

  /** Drops a staging area. */
  void discardStaged(String stagingKey) throws IOException;

  /** Reads a blob from {@code offset}. */
  InputStream open(String key, long offset) throws IOException;

  /** Random access to a blob. */
  SeekableByteChannel openChannel(String key) throws IOException;

  /** Deletes a blob (no error when it does not exist). */
  void delete(String key) throws IOException;

  /** More bytes than allowed were offered. */
  final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    public TooLarge(long maxBytes) {
      super("more than " + maxBytes + " bytes");
    }
  }
}
