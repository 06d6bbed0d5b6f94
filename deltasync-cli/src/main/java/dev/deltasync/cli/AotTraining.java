package dev.deltasync.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The Java side of the launcher's AOT training (see {@code ./deltasync}). A sync the launcher
 * records finds the record's file name in {@value #RECORD_VARIABLE} and the launcher's path in
 * {@value #LAUNCHER_VARIABLE}. When the sync ends, it says whether it is one to build the cache
 * from — a short sync, like most syncs to come, not one that moved many changes (a first sync,
 * whose recording mostly holds other code): then it leaves {@code RECORD.fit} beside the record.
 * Either way it starts the launcher again in the background, which waits for this JVM to end (the
 * JVM writes the record as it exits), builds the cache when the record is fit, and cleans up.
 */
final class AotTraining {
  static final String RECORD_VARIABLE = "DELTASYNC_AOT_RECORD";
  static final String LAUNCHER_VARIABLE = "DELTASYNC_AOT_LAUNCHER";

  /** A sync that sent and applied at most this many changes is like the syncs to come. */
  static final long MOST_CHANGES = 1_000;

  private AotTraining() {}

  /**
   * After a sync the launcher records: judges it and starts the build.
   *
   * @param result what the sync did; null when it failed (its recording is not used)
   */
  static void finish(SyncCollectionsOperation.@Nullable Result result) {
    String record = System.getenv(RECORD_VARIABLE);
    String launcher = System.getenv(LAUNCHER_VARIABLE);
    if (record == null || record.isBlank() || launcher == null || launcher.isBlank()) {
      return;
    }
    if (result != null) {
      judge(result, record);
    }
    try {
      ProcessBuilder builder =
          new ProcessBuilder("/bin/sh", launcher)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      builder
          .environment()
          .put("DELTASYNC_AOT_BUILD_AFTER", Long.toString(ProcessHandle.current().pid()));
      builder.start();
    } catch (IOException | RuntimeException e) {
      // no cache this time; the launcher removes the record when it is old
    }
  }

  /** Marks the record fit when the sync was a short one. */
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
