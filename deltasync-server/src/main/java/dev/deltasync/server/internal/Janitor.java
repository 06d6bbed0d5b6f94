package dev.deltasync.server.internal;

import dev.deltasync.server.backend.BlobStore;
import dev.deltasync.server.backend.MetadataBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what nobody will use again, on a schedule: resumable uploads abandoned for longer than
 * {@link #UPLOAD_MAX_AGE} (their staged bytes and their record), and snapshots older than a
 * collection's {@link #SNAPSHOTS_KEPT} newest (their blobs). Never a change log, a pack or a
 * snapshot still offered: those are the users' data.
 *
 * <p>Order: the record goes first, then the blob, so a crash in between leaves an unreferenced blob
 * (wasted space), never a record that points at nothing.
 */
final class Janitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Janitor.class);

  /**
   * An upload started this long ago and not finished is abandoned (clients resume within hours).
   */
  static final Duration UPLOAD_MAX_AGE = Duration.ofHours(24);

  /** Snapshots kept per collection: the newest, and one before it in case it is being read. */
  static final int SNAPSHOTS_KEPT = 2;

  /** How many items one round removes at most, so one round never holds the database long. */
  private static final int BATCH = 500;

  /** What one sweep removed. */
  record Swept(int uploads, int snapshots) {}

  private final MetadataBackend metadata;
  private final BlobStore blobs;
  private final LongSupplier clock;
  private final ScheduledExecutorService schedule =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> Thread.ofPlatform().daemon().name("janitor").unstarted(runnable));

  Janitor(MetadataBackend metadata, BlobStore blobs, LongSupplier clock) {
    this.metadata = metadata;
    this.blobs = blobs;
    this.clock = clock;
  }

  /** Sweeps every {@code every}, the first time after {@code first}. */
  void start(Duration first, Duration every) {
    schedule.scheduleWithFixedDelay(
        this::sweepLogged, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sweepLogged() {
    try {
      Swept swept = sweep();
      if (swept.uploads() + swept.snapshots() > 0) {
        LOG.atInfo()
            .addKeyValue("uploads", swept.uploads())
            .addKeyValue("snapshots", swept.snapshots())
            .log("removed abandoned uploads and old snapshots");
      }
    } catch (IOException | RuntimeException e) {
      LOG.atWarn().setCause(e).log("cleanup failed; it is tried again at the next round");
    }
  }

  /** One sweep, to the end. */
  Swept sweep() throws IOException {
    int uploads = 0;
    long before = clock.getAsLong() - UPLOAD_MAX_AGE.toMillis();
    List<MetadataBackend.StaleUpload> stale;
    do {
      stale = metadata.uploadsStartedBefore(before, BATCH);
      for (MetadataBackend.StaleUpload upload : stale) {
        metadata.deleteUpload(upload.userId(), upload.upload());
        blobs.discardStaged(upload.stagingKey());
        uploads++;
      }
    } while (stale.size() == BATCH);
    int snapshots = 0;
    List<String> old;
    do {
      old = metadata.pruneSnapshots(SNAPSHOTS_KEPT, BATCH);
      for (String blob : old) {
        blobs.delete(blob);
        snapshots++;
      }
    } while (old.size() == BATCH);
    return new Swept(uploads, snapshots);
  }

  @Override
  public void close() {
    schedule.shutdownNow();
  }
}
