package dev.deltasync.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.SyncProgress.Phase;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.engine.store.LogStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a sync tells its progress listener adds up to what it did: items scanned, content read,
 * changes and bytes sent, logs and bytes read, changes reconciled.
 */
class SyncProgressTest {
  @TempDir Path dir;
  private LogStore store;

  @BeforeEach
  void openStore() throws IOException {
    store = DirectoryLogStore.open(dir.resolve("store"), "alice");
  }

  @Test
  void theSendingSideReportsItemsScannedContentReadAndWhatWentUp() throws IOException {
    MemorySource source = new MemorySource();
    source.directory("docs");
    source.file("docs/a.txt", "alpha");
    source.file("docs/b.txt", "bravo bravo");
    source.file("c.txt", "charlie");
    Recorder progress = new Recorder();

    SyncResult result = sync("a", source, progress);

    assertThat(progress.items(Phase.SCAN)).isEqualTo(4);
    assertThat(progress.bytes(Phase.SCAN)).isEqualTo("alpha".length() + 11 + 7);
    assertThat(progress.items(Phase.UPLOAD)).isEqualTo(result.sent()).isEqualTo(4);
    assertThat(progress.bytes(Phase.UPLOAD)).isEqualTo(result.bytesUp());
    assertThat(progress.items(Phase.DOWNLOAD)).isZero();
    assertThat(progress.items(Phase.APPLY)).isZero();
    assertThat(progress.events)
        .startsWith("start SCAN", "start UPLOAD")
        .containsSubsequence("end SCAN", "start DOWNLOAD", "start APPLY")
        .endsWith("end DOWNLOAD", "end APPLY", "end UPLOAD");
  }

  @Test
  void theReceivingSideReportsLogsAndBytesReadAndChangesReconciled() throws IOException {
    MemorySource a = new MemorySource();
    a.file("one.txt", "1".repeat(1000));
    a.file("two.txt", "2".repeat(2000));
    SyncResult sent = sync("a", a, SyncProgress.NONE);
    a.file("three.txt", "3");
    SyncResult sentAgain = sync("a", a, SyncProgress.NONE);

    Recorder progress = new Recorder();
    SyncResult received = sync("b", new MemorySource(), progress);

    assertThat(received.applied()).isEqualTo(3);
    assertThat(progress.items(Phase.DOWNLOAD)).isEqualTo(2); // two logs
    assertThat(progress.bytes(Phase.DOWNLOAD)).isEqualTo(received.bytesDown());
    assertThat(progress.items(Phase.APPLY)).isEqualTo(sent.sent() + sentAgain.sent());
    assertThat(progress.items(Phase.SCAN)).isZero();
    assertThat(progress.bytes(Phase.UPLOAD)).isZero();
    // The totals it learned while reading the logs match what it then did (nothing was local).
    assertThat(progress.lastTotal(Phase.DOWNLOAD)).containsExactly(2, received.bytesDown());
    assertThat(progress.lastTotal(Phase.APPLY)).containsExactly(3, -1);
  }

  @Test
  void totalsAreTheLastSyncsItemsForTheScanAndTheChangesForTheUpload() throws IOException {
    MemorySource a = new MemorySource();
    a.file("one.txt", "1");
    a.file("two.txt", "2");
    Recorder first = new Recorder();
    sync("a", a, first);
    assertThat(first.started(Phase.SCAN)).as("nothing synced before").containsExactly(-1, -1);
    assertThat(first.lastTotal(Phase.UPLOAD)).containsExactly(2, -1);

    a.file("three.txt", "3");
    Recorder second = new Recorder();
    SyncResult result = sync("a", a, second);
    assertThat(second.started(Phase.SCAN)).containsExactly(2, -1);
    assertThat(second.lastTotal(Phase.UPLOAD)).containsExactly(result.sent(), -1);
    assertThat(result.sent()).isEqualTo(1);
  }

  private SyncResult sync(String device, MemorySource source, SyncProgress progress)
      throws IOException {
    try (SnapshotStore snapshot = SnapshotStore.open(dir.resolve(device + ".snapshot.db"))) {
      return new SyncOperation(
              SyncOptions.of("alice", device, "docs", source, snapshot, store)
                  .withProgress(progress))
          .execute();
    }
  }

  /** Adds up what it hears, and checks that a phase is only advanced while started. */
  private static final class Recorder implements SyncProgress {
    final List<String> events = new ArrayList<>();
    private final Map<Phase, long[]> counts = new EnumMap<>(Phase.class);
    private final Map<Phase, long[]> totals = new EnumMap<>(Phase.class);
    private final Map<Phase, long[]> started = new EnumMap<>(Phase.class);

    @Override
    public void start(Phase phase, long totalItems, long totalBytes) {
      assertThat(counts).doesNotContainKey(phase);
      counts.put(phase, new long[2]);
      started.put(phase, new long[] {totalItems, totalBytes});
      events.add("start " + phase);
    }

    @Override
    public void total(Phase phase, long totalItems, long totalBytes) {
      count(phase); // only while started
      totals.put(phase, new long[] {totalItems, totalBytes});
    }

    /** {items, bytes} of the last totals heard for the phase; {-1, -1} when none. */
    long[] lastTotal(Phase phase) {
      return totals.getOrDefault(phase, new long[] {-1, -1});
    }

    @Override
    public void advance(Phase phase, long items, long bytes) {
      long[] count = count(phase);
      count[0] += items;
      count[1] += bytes;
    }

    @Override
    public void end(Phase phase) {
      events.add("end " + phase);
    }

    private long[] count(Phase phase) {
      return Objects.requireNonNull(counts.get(phase), () -> phase + " was not started");
    }

    long[] started(Phase phase) {
      return Objects.requireNonNull(started.get(phase), () -> phase + " was not started");
    }

    long items(Phase phase) {
      return count(phase)[0];
    }

    long bytes(Phase phase) {
      return count(phase)[1];
    }
  }
}
