package dev.deltasync.sources.ical;

import dev.deltasync.engine.Source;
import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncResult;
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
import java.util.function.UnaryOperator;

/** One simulated device whose calendar is {@code calendar}: a vdir or a single .ics file. */
final class CalendarDevice {
  final String name;
  final Path home;
  final Path calendar;
  final LogStore store;
  private long clockMillis = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

  CalendarDevice(String name, Path base, Path calendar, LogStore store) {
    this.name = name;
    this.home = base.resolve(name + "-home");
    this.calendar = calendar;
    this.store = store;
  }

  SyncResult sync() throws IOException {
    return sync(source -> source);
  }

  /** A sync that dies right before its final flush and commit ({@link CrashBeforeCommit}). */
  void syncCrashingBeforeTheCommit() throws IOException {
    sync(CrashBeforeCommit::new);
  }

  /** A sync through {@code wrap} of this device's source; fails when the source found problems. */
  private SyncResult sync(UnaryOperator<Source> wrap) throws IOException {
    clockMillis += 1000;
    try (SnapshotStore snapshot = SnapshotStore.open(home.resolve("calendar.snapshot.db"));
        ICalSource source = ICalSource.open(calendar)) {
      SyncOptions options =
          SyncOptions.of("alice", name, "calendar", wrap.apply(source), snapshot, store)
              .withClock(Clock.fixed(Instant.ofEpochMilli(clockMillis), ZoneOffset.UTC));
      SyncResult result = new SyncOperation(options).execute();
      if (!source.problems().isEmpty()) {
        throw new AssertionError(name + " found problems: " + source.problems());
      }
      return result;
    }
  }

  /** The records here now, by UID, as a fresh scan reads them. */
  Map<String, Component> records() throws IOException {
    try (ICalSource source = ICalSource.open(calendar)) {
      return RecordingScan.of(source).records();
    }
  }
}
