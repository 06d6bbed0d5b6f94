package dev.deltasync.cli;

import dev.deltasync.engine.SyncResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jspecify.annotations.Nullable;

/**
 * Tells the launcher ({@code ./deltasync}) how large the home's last sync was, so that it can pick
 * the JIT compilers for the next one: the file {@value #FILE} in the home holds {@value #SMALL}
 * after a sync that moved at most {@value #MOST_CHANGES} changes and {@value #MOST_BYTES} bytes
 * (most syncs: the next one runs with the quick compiler only, C1, which a sync of about a second
 * ends sooner with), {@value #LARGE} after a larger one (the next runs with both compilers, whose
 * optimized code pays off over a long sync, as without the file). A failed sync removes it.
 *
 * <p>Only a hint: the next sync is as correct either way, only faster or slower.
 */
final class SyncSizeHint {
  static final String FILE = "last-sync-size";
  static final String SMALL = "small";
  static final String LARGE = "large";

  /** A sync that sent and applied at most this many changes (and {@link #MOST_BYTES}) is small. */
  static final long MOST_CHANGES = 1_000;

  /** A sync that sent and fetched at most this many bytes (and {@link #MOST_CHANGES}) is small. */
  static final long MOST_BYTES = 64L << 20;

  private SyncSizeHint() {}

  /**
   * Records the size of the sync that just ended in {@code home}.
   *
   * @param result what it did; null when it failed
   */
  static void record(Home home, SyncCollectionsOperation.@Nullable Result result) {
    Path file = home.dir().resolve(FILE);
    try {
      if (result == null) {
        Files.deleteIfExists(file);
        return;
      }
      String size = isSmall(result) ? SMALL : LARGE;
      if (Files.isRegularFile(file)
          && size.equals(Files.readString(file, StandardCharsets.UTF_8).strip())) {
        return; // as it was: most syncs write nothing here
      }
      Path temporary = home.dir().resolve(FILE + ".tmp");
      Files.writeString(temporary, size + "\n", StandardCharsets.UTF_8);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      // a hint: without it the next sync runs with both compilers
    }
  }

  static boolean isSmall(SyncCollectionsOperation.Result result) {
    long bytes = 0;
    for (SyncResult collection : result.collections().values()) {
      bytes += collection.bytesUp() + collection.bytesDown();
    }
    return result.sent() + result.applied() <= MOST_CHANGES && bytes <= MOST_BYTES;
  }
}
