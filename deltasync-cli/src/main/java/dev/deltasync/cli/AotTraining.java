package dev.deltasync.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The Java side of the launcher's AOT training (see {@code ./deltasync}): a sync the launcher
 * records gets the record's file name in the system property {@value #RECORD_PROPERTY} (not an
 * environment variable, which processes started from here would inherit). When the sync ends it
 * says whether the cache is to be built from it: a short sync is like most syncs to come; one that
 * moved many changes (a first sync) mostly ran other code. Then it leaves {@code RECORD.fit} beside
 * the record, for the launcher's builder, which waits for this JVM to end.
 */
final class AotTraining {
  static final String RECORD_PROPERTY = "deltasync.aot.record";

  /** A sync that sent and applied at most this many changes is like the syncs to come. */
  static final long MOST_CHANGES = 1_000;

  private AotTraining() {}

  /**
   * After a sync the launcher records: marks the record fit when the sync was a short one.
   *
   * @param result what the sync did; null when it failed (its recording is not used)
   */
  static void finish(SyncCollectionsOperation.@Nullable Result result) {
    if (result != null) {
      judge(result, System.getProperty(RECORD_PROPERTY));
    }
  }

  static void judge(SyncCollectionsOperation.Result result, @Nullable String record) {
    if (record == null || record.isBlank() || result.sent() + result.applied() > MOST_CHANGES) {
      return;
    }
    try {
      Files.write(Path.of(record + ".fit"), new byte[0]);
    } catch (IOException | RuntimeException e) {
      // no cache this time: the launcher records another sync later
    }
  }
}
