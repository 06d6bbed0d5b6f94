package dev.deltasync.engine;

import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.LogStore;
import java.time.Clock;
import java.util.UUID;
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
    boolean allowMassDelete) {
  /** The share of a collection a sync may delete unless told otherwise: half. */
  public static final double DEFAULT_MAX_DELETE_SHARE = 0.5;

  public SyncOptions {
    if (!(maxDeleteShare >= 0 && maxDeleteShare <= 1)) {
      throw new IllegalArgumentException(
          "the delete safeguard's share must be between 0 and 1, was " + maxDeleteShare);
    }
  }

  /** Options with the defaults: system clock, random ids, 50% delete safeguard. */
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
        false);
  }

  public SyncOptions withClock(Clock value) {
    return new SyncOptions(
        user,
        device,
        collection,
        source,
        snapshot,
        store,
        value,
        newIds,
        maxDeleteShare,
        allowMassDelete);
  }

  public SyncOptions withNewIds(Supplier<String> value) {
    return new SyncOptions(
        user,
        device,
        collection,
        source,
        snapshot,
        store,
        clock,
        value,
        maxDeleteShare,
        allowMassDelete);
  }

  public SyncOptions withMaxDeleteShare(double value) {
    return new SyncOptions(
        user, device, collection, source, snapshot, store, clock, newIds, value, allowMassDelete);
  }

  public SyncOptions withAllowMassDelete(boolean value) {
    return new SyncOptions(
        user, device, collection, source, snapshot, store, clock, newIds, maxDeleteShare, value);
  }
}
