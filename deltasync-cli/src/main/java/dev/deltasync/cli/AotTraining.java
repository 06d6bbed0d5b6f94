package dev.deltasync.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Tells the launcher whether a sync it recorded to train its AOT cache (see {@code ./deltasync}) is
 * one to build the cache from. The cache serves the commands after it, which are mostly short syncs
 * that find little to do; a sync that moved many changes (a first sync) mostly runs other code, and
 * the launcher records a later sync instead. The launcher names the record in {@value
 * #RECORD_VARIABLE}; a sync fit for training leaves {@code RECORD.fit} beside it.
 */
final class AotTraining {
  static final String RECORD_VARIABLE = "DELTASYNC_AOT_RECORD";

  /** A sync that sent and applied at most this many changes is like the syncs to come. */
  static final long MOST_CHANGES = 1_000;

  private AotTraining() {}

  /** After a sync that finished: marks the record fit when the sync was a short one. */
  static void judge(SyncCollectionsOperation.Result result) {
    judge(result, System.getenv(RECORD_VARIABLE));
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
