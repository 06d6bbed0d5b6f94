package dev.deltasync.engine;

import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.format.FormatLimits;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What one sync of one collection needs.
 *
 * @param user the user whose store this is
 * @param device this device's name, written into every log it makes
 * @param collection the collection's name
 * @param source the local data
 * @param snapshot this device's snapshot of the collection
 * @param store the store
 * @param clock for log times and conflict-copy names
 * @param newIds makes ids for new items (random UUIDs; tests inject seeded ones)
 * @param maxDeleteShare the share of items (0..1) a sync may delete before the delete safeguard
 *     refuses it
 * @param allowMassDelete lift the safeguard for this sync
 * @param maxChangesPerLog the most changes one pushed log holds; more are sent in several logs
 * @param progress hears how far the sync has come ({@link SyncProgress#NONE} by default)
 */
public record SyncOptions(
    String user,
    String device,
    String collection,
    Source source,
    SnapshotStore snapshot,
    LogStore store,
    Clock clock,
    Supplier<String> newIds,
    double maxDeleteShare,
    boolean allowMassDelete,
    int maxChangesPerLog,
    SyncProgress progress) {
  /** The share of a collection a sync may delete unless told otherwise: half. */
  public static final double DEFAULT_MAX_DELETE_SHARE = 0.5;

  /** Changes per pushed log unless told otherwise: far below the format's limits. */
  public static final int DEFAULT_MAX_CHANGES_PER_LOG = 20_000;

  public SyncOptions {
    if (!(maxDeleteShare >= 0 && maxDeleteShare <= 1)) {
      throw new IllegalArgumentException(
          "the delete safeguard's share must be between 0 and 1, was " + maxDeleteShare);
    }
    if (maxChangesPerLog < 1 || maxChangesPerLog > FormatLimits.MAX_CHANGES_PER_LOG) {
      throw new IllegalArgumentException(
          "changes per log must be between 1 and "
              + FormatLimits.MAX_CHANGES_PER_LOG
              + ", was "
              + maxChangesPerLog);
    }
  }

  /** Options that report no progress. */
  public SyncOptions(
      String user,
      String device,
      String collection,
      Source source,
      SnapshotStore snapshot,
      LogStore store,
      Clock clock,
      Supplier<String> newIds,
      double maxDeleteShare,
      boolean allowMassDelete,
      int maxChangesPerLog) {
    this(
        user,
        device,
        collection,
        source,
        snapshot,
        store,
        clock,
        newIds,
        maxDeleteShare,
        allowMassDelete,
        maxChangesPerLog,
        SyncProgress.NONE);
  }

  /**
   * Options with the defaults: system clock, random ids, 50% delete safeguard, no progress
   * reported.
   */
  public static SyncOptions of(
      String user,
      String device,
      String collection,
      Source source,
      SnapshotStore snapshot,
      LogStore store) {
    return new SyncOptions(
        user,
        device,
        collection,
        source,
        snapshot,
        store,
        Clock.systemUTC(),
        () -> UUID.randomUUID().toString(),
        DEFAULT_MAX_DELETE_SHARE,
        false,
        DEFAULT_MAX_CHANGES_PER_LOG);
  }

  public SyncOptions withClock(Clock value) {
    return edit(b -> b.clock = value);
  }

  public SyncOptions withNewIds(Supplier<String> value) {
    return edit(b -> b.newIds = value);
  }

  public SyncOptions withMaxDeleteShare(double value) {
    return edit(b -> b.maxDeleteShare = value);
  }

  public SyncOptions withAllowMassDelete(boolean value) {
    return edit(b -> b.allowMassDelete = value);
  }

  public SyncOptions withMaxChangesPerLog(int value) {
    return edit(b -> b.maxChangesPerLog = value);
  }

  public SyncOptions withProgress(SyncProgress value) {
    return edit(b -> b.progress = value);
  }

  private SyncOptions edit(Consumer<Tuning> change) {
    Tuning tuning = new Tuning(this);
    change.accept(tuning);
    return new SyncOptions(
        user,
        device,
        collection,
        source,
        snapshot,
        store,
        tuning.clock,
        tuning.newIds,
        tuning.maxDeleteShare,
        tuning.allowMassDelete,
        tuning.maxChangesPerLog,
        tuning.progress);
  }

  /** The fields the {@code with...} methods change, copied from options to be changed. */
  private static final class Tuning {
    Clock clock;
    Supplier<String> newIds;
    double maxDeleteShare;
    boolean allowMassDelete;
    int maxChangesPerLog;
    SyncProgress progress;

    Tuning(SyncOptions options) {
      clock = options.clock;
      newIds = options.newIds;
      maxDeleteShare = options.maxDeleteShare;
      allowMassDelete = options.allowMassDelete;
      maxChangesPerLog = options.maxChangesPerLog;
      progress = options.progress;
    }
  }
}
