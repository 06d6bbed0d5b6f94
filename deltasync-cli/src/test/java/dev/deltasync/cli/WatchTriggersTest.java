package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.cli.WatchTriggers.Reason;
import dev.deltasync.cli.WatchTriggers.Work;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The watcher's rules of when to sync what, on a clock the test moves by hand. */
class WatchTriggersTest {
  private static final long MS = 1_000_000L;
  private static final long START = 1_000_000 * MS;

  private final WatchTriggers triggers =
      new WatchTriggers(
          List.of("docs", "photos"),
          Duration.ofMillis(250),
          Duration.ofSeconds(1),
          Duration.ofSeconds(300),
          START);

  private @Nullable Work next(long atMs) {
    return triggers.next(START + atMs * MS).work();
  }

  /** Runs (and succeeds) every sync due at {@code atMs}; returns them. */
  private List<Work> drain(long atMs, long cursor) {
    List<Work> all = new ArrayList<>();
    for (Work work = next(atMs); work != null; work = next(atMs)) {
      triggers.succeeded(work.collection(), cursor, START + atMs * MS);
      all.add(work);
    }
    return all;
  }

  /** The sync of {@code collection} due at {@code atMs}; the others due are run and succeed. */
  private @Nullable Work dueOf(String collection, long atMs) {
    for (Work work = next(atMs); work != null; work = next(atMs)) {
      if (work.collection().equals(collection)) {
        return work;
      }
      triggers.succeeded(work.collection(), 0, START + atMs * MS);
    }
    return null;
  }

  @Test
  void everyCollectionSyncsOnceAtStartAndThenNothingIsDue() {
    assertThat(drain(0, 0))
        .containsExactly(new Work("docs", Reason.START), new Work("photos", Reason.START));
    assertThat(next(0)).isNull();
    assertThat(triggers.next(START).waitNanos()).isEqualTo(300_000 * MS);
  }

  @Test
  void aLocalChangeSyncsAfterAQuietPeriod() {
    drain(0, 0);
    triggers.localChange("docs", START + 10 * MS);
    assertThat(next(200)).isNull();
    assertThat(triggers.next(START + 200 * MS).waitNanos()).isEqualTo(60 * MS);
    assertThat(next(260)).isEqualTo(new Work("docs", Reason.LOCAL));
  }

  @Test
  void steadyLocalChangesStillSyncWithinTheLongestDelay() {
    drain(0, 0);
    for (long at = 0; at < 1000; at += 100) {
      triggers.localChange("docs", START + at * MS);
      assertThat(next(at)).as("at %d ms", at).isNull();
    }
    triggers.localChange("docs", START + 1000 * MS);
    assertThat(next(1000)).isEqualTo(new Work("docs", Reason.LOCAL));
  }

  @Test
  void changesDuringASyncCauseOneFollowUpAndNoMore() {
    drain(0, 0);
    triggers.localChange("docs", START);
    Work sync = next(300);
    assertThat(sync).isEqualTo(new Work("docs", Reason.LOCAL));
    triggers.localChange("docs", START + 310 * MS); // the sync's own writes
    triggers.succeeded("docs", 1, START + 320 * MS);
    assertThat(next(600)).isEqualTo(new Work("docs", Reason.LOCAL));
    triggers.succeeded("docs", 1, START + 620 * MS); // the follow-up found nothing, wrote nothing
    assertThat(next(10_000)).isNull();
  }

  @Test
  void aHeadNewerThanTheCursorSyncsAtOnceAndOneNotNewerDoesNot() {
    triggers.cursor("docs", 5);
    triggers.cursor("photos", 0);
    drain(0, 5);
    triggers.remoteHead("docs", 5);
    assertThat(next(1)).isNull();
    triggers.remoteHead("docs", 6);
    assertThat(next(1)).isEqualTo(new Work("docs", Reason.REMOTE));
    triggers.succeeded("docs", 6, START + 2 * MS);
    assertThat(next(2)).isNull();
  }

  @Test
  void theHeadOfTheWatchersOwnAppendHeardDuringItsSyncCausesNoSync() {
    drain(0, 0);
    triggers.localChange("docs", START);
    assertThat(next(300)).isEqualTo(new Work("docs", Reason.LOCAL));
    triggers.remoteHead("docs", 1); // the push channel tells of the log this sync appended
    triggers.succeeded("docs", 1, START + 400 * MS);
    assertThat(next(5000)).isNull();
  }

  @Test
  void aHeadTheStoreDoesNotHaveCausesNoEndlessSyncs() {
    drain(0, 3);
    triggers.remoteHead("docs", 9);
    assertThat(next(1)).isEqualTo(new Work("docs", Reason.REMOTE));
    triggers.succeeded("docs", 3, START + 2 * MS); // read the store: it has only 3
    assertThat(next(3)).isNull();
  }

  @Test
  void aFailedSyncIsRetriedAfterAPauseThatDoubles() {
    Work first = Objects.requireNonNull(next(0));
    assertThat(first).isEqualTo(new Work("docs", Reason.START));
    assertThat(triggers.failed(first, START)).isEqualTo(Duration.ofSeconds(2));
    triggers.succeeded("photos", 0, START);
    assertThat(next(0)).isEqualTo(new Work("photos", Reason.START));
    triggers.succeeded("photos", 0, START);
    triggers.localChange("docs", START + 10 * MS); // does not cut the pause short
    assertThat(next(1999)).isNull();
    Work retry = Objects.requireNonNull(next(2000));
    assertThat(retry).isEqualTo(new Work("docs", Reason.RETRY));
    assertThat(triggers.failed(retry, START + 2000 * MS)).isEqualTo(Duration.ofSeconds(4));
    assertThat(next(5999)).isNull();
    assertThat(next(6000)).isEqualTo(new Work("docs", Reason.RETRY));
  }

  @Test
  void retryPausesStopAtFiveMinutesAndEndWhenTheStoreIsBack() {
    drain(0, 0);
    triggers.localChange("docs", START);
    Duration pause = Duration.ZERO;
    long at = 300;
    for (int i = 0; i < 12; i++) {
      Work work = dueOf("docs", at);
      assertThat(work).as("attempt %d at %d ms", i, at).isNotNull();
      pause = triggers.failed(Objects.requireNonNull(work), START + at * MS);
      at += pause.toMillis();
    }
    assertThat(pause).isEqualTo(Duration.ofMinutes(5));
    assertThat(dueOf("docs", at - 1000)).isNull();
    triggers.storeReachable();
    assertThat(dueOf("docs", at - 1000)).isEqualTo(new Work("docs", Reason.RETRY));
  }

  @Test
  void aCollectionWithoutSyncForTheRescanPeriodIsRescanned() {
    drain(0, 0);
    triggers.localChange("photos", START + 100_000 * MS);
    drain(100_300, 0);
    assertThat(next(299_999)).isNull();
    assertThat(drain(300_000, 0)).containsExactly(new Work("docs", Reason.RESCAN));
    assertThat(drain(400_300, 0)).containsExactly(new Work("photos", Reason.RESCAN));
  }

  @Test
  void aPostponedSyncKeepsItsReasonAndWaits() {
    drain(0, 0);
    triggers.remoteHead("photos", 2);
    Work work = Objects.requireNonNull(next(0));
    assertThat(work).isEqualTo(new Work("photos", Reason.REMOTE));
    triggers.postponed(work, START, Duration.ofSeconds(1));
    assertThat(next(999)).isNull();
    assertThat(next(1000)).isEqualTo(new Work("photos", Reason.REMOTE));
  }

  @Test
  void takeReturnsNullOnceStopped() throws InterruptedException {
    drain(0, 0);
    triggers.stop();
    assertThat(triggers.take(() -> START)).isNull();
  }
}
