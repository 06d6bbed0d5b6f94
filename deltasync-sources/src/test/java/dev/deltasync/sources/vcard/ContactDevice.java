package dev.deltasync.sources.vcard;

import dev.deltasync.engine.Source;
import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.format.v1.Component;
import dev.deltasync.sources.records.CrashBeforeCommit;
import dev.deltasync.sources.records.RecordingScan;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** One simulated device with a contacts target (a .vcf file or a vdir) and a shared store. */
final class ContactDevice {
  final String name;
  final Path home;
  final Path target;
  final LogStore store;
  private long clockMillis = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

  ContactDevice(String name, Path base, Path target, LogStore store) {
    this.name = name;
    this.home = base.resolve(name + "-home");
    this.target = target;
    this.store = store;
  }

  SyncResult sync() throws IOException {
    return sync(source -> source);
  }

  /**
   * A sync that dies after applying every pulled log, right before its final flush and commit (as a
   * process killed there would): throws the simulated crash.
   */
  void syncCrashingBeforeTheCommit() throws IOException {
    sync(CrashBeforeCommit::new);
  }

  /** A sync through {@code wrap} of this device's source. */
  private SyncResult sync(UnaryOperator<Source> wrap) throws IOException {
    clockMillis += 1000;
    try (SnapshotStore snapshot = SnapshotStore.open(home.resolve("contacts.snapshot.db"));
        VCardSource source = VCardSource.open(target)) {
      SyncOptions options =
          SyncOptions.of("alice", name, "contacts", wrap.apply(source), snapshot, store)
              .withClock(Clock.fixed(Instant.ofEpochMilli(clockMillis), ZoneOffset.UTC));
      return new SyncOperation(options).execute();
    }
  }

  /** Every local contact, parsed afresh (no stat cache): UID to universal record. */
  Map<String, Component> contacts() throws IOException {
    RecordingScan scan = new RecordingScan(true);
    VCardSource.open(target).scan(scan);
    Map<String, Component> out = new TreeMap<>();
    for (SnapshotEntry entry : scan.found) {
      out.put(entry.item().getUid(), entry.item().getRecord());
    }
    return out;
  }
}
