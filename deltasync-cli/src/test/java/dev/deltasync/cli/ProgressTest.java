package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.SyncProgress.Phase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The progress shown on stderr, with a fake clock: a bar, plain lines, or nothing. */
class ProgressTest {
  private static final long MS = 1_000_000L;
  private static final long MIB = 1024 * 1024;

  private final StringWriter written = new StringWriter();
  private long now = 1_000 * MS;

  private Progress progress(Progress.Mode mode) {
    return new Progress(mode, new PrintWriter(written), () -> now, 200);
  }

  /** The bar as last drawn: what follows the last carriage return, without the padding. */
  private String lastBar() {
    String text = written.toString();
    return text.substring(text.lastIndexOf('\r') + 1).stripTrailing();
  }

  @Test
  void theBarShowsItemsBytesAndRate() {
    SyncProgress sync = progress(Progress.Mode.BAR).collection("docs");
    sync.start(Phase.SCAN, -1, -1);
    for (int i = 0; i < 5; i++) {
      now += 200 * MS;
      sync.advance(Phase.SCAN, 200, 2 * MIB);
    }

    assertThat(lastBar()).isEqualTo("docs: scan 1,000 items, 10.0 MiB, 10.0 MiB/s");
  }

  @Test
  void theBarShowsTotalsAndTheTimeLeftWhenTheTotalsAreKnown() {
    SyncProgress sync = progress(Progress.Mode.BAR).collection("docs");
    sync.start(Phase.DOWNLOAD, 40, 100 * MIB);
    for (int i = 0; i < 20; i++) {
      now += 500 * MS;
      sync.advance(Phase.DOWNLOAD, 1, 2 * MIB); // 4 MiB/s
    }

    // 60 MiB left at 4 MiB/s
    assertThat(lastBar())
        .isEqualTo("docs: download 20 of 40 logs, 40.0 MiB of 100.0 MiB, 4.0 MiB/s, ETA 0:15");
  }

  @Test
  void totalsLearnedDuringAPhaseBringTheTimeLeft() {
    SyncProgress sync = progress(Progress.Mode.BAR).collection("docs");
    sync.start(Phase.APPLY, -1, -1);
    for (int i = 0; i < 10; i++) {
      now += 500 * MS;
      sync.advance(Phase.APPLY, 100, 0); // 200 changes a second
    }
    assertThat(lastBar()).isEqualTo("docs: apply 1,000 changes, 200/s");

    sync.total(Phase.APPLY, 3000, -1); // a log was read: 3,000 changes in all
    now += 500 * MS;
    sync.advance(Phase.APPLY, 100, 0);

    // 1,900 left at 200 a second
    assertThat(lastBar()).isEqualTo("docs: apply 1,100 of 3,000 changes, 200/s, ETA 0:10");
  }

  @Test
  void theRateIsThatOfTheLastSecondsNotOfTheWholePhase() {
    SyncProgress sync = progress(Progress.Mode.BAR).collection("docs");
    sync.start(Phase.UPLOAD, -1, -1);
    for (int i = 0; i < 20; i++) { // 10 s at 8 MiB/s
      now += 500 * MS;
      sync.advance(Phase.UPLOAD, 0, 4 * MIB);
    }
    for (int i = 0; i < 20; i++) { // then 10 s at 1 MiB/s
      now += 500 * MS;
      sync.advance(Phase.UPLOAD, 0, MIB / 2);
    }

    assertThat(lastBar()).isEqualTo("docs: upload 90.0 MiB, 1.0 MiB/s");
  }

  @Test
  void theBarIsRedrawnAtMostEightTimesASecond() {
    SyncProgress sync = progress(Progress.Mode.BAR).collection("docs");
    sync.start(Phase.SCAN, -1, -1);
    for (int i = 0; i < 1000; i++) { // a second's worth of items, one per millisecond
      now += MS;
      sync.advance(Phase.SCAN, 1, 0);
    }

    assertThat(redraws()).isBetween(1L, 8L);
  }

  @Test
  void theBarShowsEveryPhaseThatCountedAndIsClearedWhenTheSyncEnds() {
    SyncProgress sync = progress(Progress.Mode.BAR).collection("docs");
    sync.start(Phase.SCAN, -1, -1);
    sync.start(Phase.UPLOAD, -1, -1);
    now += 1000 * MS;
    sync.advance(Phase.SCAN, 6, 0);
    now += 1000 * MS;
    sync.advance(Phase.UPLOAD, 2, 1024);
    assertThat(lastBar()).isEqualTo("docs: scan 6 items, 3/s | upload 2 changes, 1.0 KiB, 512 B/s");

    sync.end(Phase.SCAN);
    sync.end(Phase.UPLOAD);

    assertThat(written.toString()).endsWith("\r");
    assertThat(lastBar()).isEmpty();
    String text = written.toString();
    String beforeClearing = text.substring(0, text.length() - 1);
    assertThat(beforeClearing.substring(beforeClearing.lastIndexOf('\r') + 1)).isBlank();
  }

  @Test
  void aLongBarIsCutToTheTerminalsWidth() {
    SyncProgress sync =
        new Progress(Progress.Mode.BAR, new PrintWriter(written), () -> now, 30)
            .collection("a-collection-with-a-long-name");
    sync.start(Phase.SCAN, -1, -1);
    now += 1000 * MS;
    sync.advance(Phase.SCAN, 12_345, 5 * MIB);

    assertThat(lastBar()).hasSize(29);
  }

  @Test
  void plainLinesSayWhatEachPhaseDidWhenItEnds() {
    SyncProgress sync = progress(Progress.Mode.LINES).collection("docs");
    sync.start(Phase.SCAN, -1, -1);
    sync.start(Phase.UPLOAD, -1, -1);
    now += 1_200 * MS;
    sync.advance(Phase.SCAN, 12_345, 1536 * MIB);
    now += 2_200 * MS;
    sync.end(Phase.SCAN);
    sync.start(Phase.DOWNLOAD, -1, -1);
    sync.start(Phase.APPLY, -1, -1);
    sync.advance(Phase.UPLOAD, 1, 100);
    now += 500 * MS;
    sync.end(Phase.DOWNLOAD); // counted nothing: no line
    sync.end(Phase.APPLY);
    sync.end(Phase.UPLOAD);

    assertThat(written.toString())
        .isEqualTo(
            String.join(
                System.lineSeparator(),
                "sync docs: scanned 12,345 items, 1.5 GiB in 3.4 s",
                "sync docs: uploaded 1 change, 100 B in 3.9 s",
                ""));
  }

  @Test
  void plainLinesReportALongPhaseEveryTenSeconds() {
    SyncProgress sync = progress(Progress.Mode.LINES).collection("docs");
    sync.start(Phase.SCAN, -1, -1);
    for (int i = 0; i < 250; i++) { // 25 s
      now += 100 * MS;
      sync.advance(Phase.SCAN, 1, 0);
    }

    assertThat(written.toString().lines())
        .containsExactly(
            "sync docs: scanning 100 items, 10/s", "sync docs: scanning 200 items, 10/s");
  }

  @Test
  void quietShowsNothing() {
    try (Progress progress = progress(Progress.Mode.QUIET)) {
      SyncProgress sync = progress.collection("docs");
      sync.start(Phase.SCAN, -1, -1);
      for (int i = 0; i < 200; i++) {
        now += 100 * MS;
        sync.advance(Phase.SCAN, 1, MIB);
      }
      sync.end(Phase.SCAN);
    }

    assertThat(written.toString()).isEmpty();
  }

  @Test
  void timesLeftReadAsAClock() {
    assertThat(Progress.clock(5)).isEqualTo("0:05");
    assertThat(Progress.clock(605)).isEqualTo("10:05");
    assertThat(Progress.clock(3 * 3600 + 65)).isEqualTo("3:01:05");
  }

  private long redraws() {
    return Arrays.stream(written.toString().split("\r", -1)).skip(1).count();
  }
}
