package dev.deltasync.sources.ical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.Value;
import dev.deltasync.sources.records.RecordingScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A single file: puts and removes are held in memory and written once, at flush. */
class ICalSingleFileFlushTest {
  @TempDir Path dir;

  private static final ContentReader NO_CONTENT =
      id -> {
        throw new AssertionError("records have no chunks");
      };

  private static final FileTime LONG_AGO = FileTime.fromMillis(1_000_000_000_000L);

  /** One put (record non-null) or remove of a sync, as the engine would ask for it. */
  private record Change(String uid, @Nullable Item item) {}

  private static Item withSummary(Item item, String summary) {
    Component.Builder record = item.getRecord().toBuilder();
    for (int c = 0; c < record.getComponentsCount(); c++) {
      Component.Builder component = record.getComponents(c).toBuilder();
      if (component.getName().equals("VTIMEZONE")) {
        continue;
      }
      for (int p = 0; p < component.getPropertiesCount(); p++) {
        if (component.getProperties(p).getName().equals("SUMMARY")) {
          component.setProperties(
              p,
              component.getProperties(p).toBuilder()
                  .clearValues()
                  .addValues(Value.newBuilder().setText(summary)));
        }
      }
      record.setComponents(c, component);
    }
    return item.toBuilder().setRecord(record).build();
  }

  private static List<SnapshotEntry> scanned(String corpusFile) throws IOException {
    Path copy = Files.createTempFile("corpus", ".ics");
    try {
      Files.write(copy, Corpus.bytes(corpusFile));
      try (ICalSource source = ICalSource.open(copy)) {
        return RecordingScan.of(source).found;
      }
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /**
   * A sync's worth of changes to {@code scan}'s items: every item edited, items of other calendars
   * added (bringing their VTIMEZONEs, some of which the file has), an added one edited again and
   * another removed, a scanned one removed and then added back, and one removed for good.
   */
  private static List<Change> changes(RecordingScan scan) throws IOException {
    List<Change> changes = new ArrayList<>();
    for (SnapshotEntry entry : scan.found) {
      changes.add(new Change(entry.item().getUid(), withSummary(entry.item(), "Edited")));
    }
    List<SnapshotEntry> donors = new ArrayList<>(scanned("corpus/recurring-zones.ics"));
    donors.addAll(scanned("corpus/outlook.ics"));
    donors.addAll(scanned("corpus/apple-calendar.ics"));
    for (int i = 0; i < donors.size(); i++) {
      Item item = donors.get(i).item();
      changes.add(new Change("added-" + i, item.toBuilder().setUid("added-" + i).build()));
    }
    Item firstAdded = donors.get(0).item().toBuilder().setUid("added-0").build();
    changes.add(new Change("added-0", withSummary(firstAdded, "Added, then edited")));
    changes.add(new Change("added-1", null));
    if (!scan.found.isEmpty()) {
      SnapshotEntry first = scan.found.get(0);
      changes.add(new Change(first.item().getUid(), null));
      changes.add(new Change(first.item().getUid(), first.item()));
      SnapshotEntry last = scan.found.get(scan.found.size() - 1);
      changes.add(new Change(last.item().getUid(), null));
    }
    return changes;
  }

  /**
   * Applies {@code changes} to the source, each against the entry the engine would hold for it;
   * returns those entries (with the stats the puts returned).
   */
  private static Map<String, SnapshotEntry> apply(
      ICalSource source, RecordingScan scan, List<Change> changes, boolean flushEach)
      throws IOException {
    Map<String, SnapshotEntry> entries = new LinkedHashMap<>();
    for (SnapshotEntry entry : scan.found) {
      entries.put(entry.item().getUid(), entry);
    }
    for (Change change : changes) {
      SnapshotEntry expected = entries.get(change.uid());
      Item item = change.item();
      if (item == null) {
        assertThat(source.remove(Objects.requireNonNull(expected)))
            .isEqualTo(new ApplyResult.Applied(null));
        entries.remove(change.uid());
      } else {
        ApplyResult result = source.put(expected, item, NO_CONTENT);
        assertThat(result).isInstanceOf(ApplyResult.Applied.class);
        entries.put(
            change.uid(),
            new SnapshotEntry(
                item, ItemVersions.of(item), null, ((ApplyResult.Applied) result).stat()));
      }
      if (flushEach) {
        source.flush();
      }
    }
    source.flush();
    return entries;
  }

  /** The same changes written by {@link CalendarEdit}, one whole-file edit after the other. */
  private static byte[] oneEditAtATime(Path file, List<Change> changes) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (Change change : changes) {
      CalendarText text = CalendarText.parse(file, bytes);
      Item item = change.item();
      bytes =
          CalendarEdit.apply(
              text,
              text.items.get(change.uid()),
              item == null ? null : item.getRecord(),
              change.uid());
    }
    return bytes;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "corpus/recurring-zones.ics",
        "corpus/google-calendar.ics",
        "corpus/apple-calendar.ics",
        "corpus/outlook.ics",
        "corpus/rfc5545-examples.ics",
        "corpus/todos-careless-writer.ics",
        "malformed/one-broken-event.ics",
        "" // a file that does not exist yet
      })
  void manyChangesThenOneFlushWriteTheFileThatOneWriteEachWould(String corpusFile)
      throws IOException {
    Path batched = dir.resolve("batched.ics");
    Path eachFlushed = dir.resolve("each.ics");
    Path oracle = dir.resolve("oracle.ics");
    if (!corpusFile.isEmpty()) {
      Corpus.copy(corpusFile, batched);
      Corpus.copy(corpusFile, eachFlushed);
      Corpus.copy(corpusFile, oracle);
    } else {
      Files.write(oracle, new byte[0]);
    }
    byte[] expected;
    try (ICalSource source = ICalSource.open(batched)) {
      RecordingScan scan = RecordingScan.of(source);
      List<Change> changes = changes(scan);
      expected = oneEditAtATime(oracle, changes);
      apply(source, scan, changes, false);
      try (ICalSource each = ICalSource.open(eachFlushed)) {
        apply(each, RecordingScan.of(each), changes, true);
      }
    }
    assertThat(new String(Files.readAllBytes(batched), StandardCharsets.UTF_8))
        .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    assertThat(Files.readAllBytes(eachFlushed)).isEqualTo(expected);
    assertThat(expected)
        .isNotEqualTo(corpusFile.isEmpty() ? new byte[0] : Corpus.bytes(corpusFile));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"corpus/recurring-zones.ics", "corpus/outlook.ics", "corpus/google-calendar.ics"})
  void theStatsOfBatchedPutsAreWhatTheNextScanSees(String corpusFile) throws IOException {
    Path file = Corpus.copy(corpusFile, dir.resolve("cal.ics"));
    try (ICalSource source = ICalSource.open(file)) {
      RecordingScan scan = RecordingScan.of(source);
      Map<String, SnapshotEntry> entries = apply(source, scan, changes(scan), false);
      RecordingScan next = new RecordingScan(false);
      next.snapshot.putAll(entries);
      source.scan(next);
      assertThat(next.uids()).containsExactlyInAnyOrderElementsOf(entries.keySet());
      for (SnapshotEntry entry : entries.values()) {
        assertThat(next.entry(entry.item().getUid()))
            .as("reported from the snapshot: %s", entry.item().getUid())
            .isSameAs(entry);
      }
    }
  }

  @Test
  void aPutOrRemoveSeesTheChangesBeforeItInTheSameSync() throws IOException {
    Path file = Corpus.copy("corpus/recurring-zones.ics", dir.resolve("cal.ics"));
    try (ICalSource source = ICalSource.open(file)) {
      SnapshotEntry utc = RecordingScan.of(source).entry("utc-only@corpus.example");
      Item edited = withSummary(utc.item(), "Edited once");
      source.put(utc, edited, NO_CONTENT);
      // The scanned entry is stale now; the identical item counts as applied.
      assertThat(source.put(utc, withSummary(utc.item(), "Twice"), NO_CONTENT))
          .isInstanceOf(ApplyResult.LocalChanged.class);
      assertThat(source.put(null, edited, NO_CONTENT)).isInstanceOf(ApplyResult.Applied.class);
      Item copy = utc.item().toBuilder().setUid("copy").build();
      ApplyResult added = source.put(null, copy, NO_CONTENT);
      assertThat(source.put(null, withSummary(copy, "Other"), NO_CONTENT))
          .isInstanceOf(ApplyResult.LocalChanged.class);
      SnapshotEntry copyEntry =
          new SnapshotEntry(
              copy, ItemVersions.of(copy), null, ((ApplyResult.Applied) added).stat());
      assertThat(source.remove(copyEntry)).isEqualTo(new ApplyResult.Applied(null));
      assertThat(source.remove(copyEntry)).isEqualTo(new ApplyResult.Applied(null));
      source.flush();
      assertThat(RecordingScan.of(source).records())
          .doesNotContainKey("copy")
          .containsEntry("utc-only@corpus.example", edited.getRecord());
    }
  }

  @Test
  void aFlushWithNothingPendingLeavesTheFileUntouched() throws IOException {
    Path file = Corpus.copy("corpus/google-calendar.ics", dir.resolve("cal.ics"));
    Files.setLastModifiedTime(file, LONG_AGO);
    try (ICalSource source = ICalSource.open(file)) {
      source.flush();
      RecordingScan scan = RecordingScan.of(source);
      source.flush();
      // An identical put, and an added item removed again, leave the bytes as they were.
      SnapshotEntry first = scan.found.get(0);
      assertThat(source.put(null, first.item(), NO_CONTENT))
          .isEqualTo(new ApplyResult.Applied(first.stat()));
      Item copy = first.item().toBuilder().setUid("copy").build();
      ApplyResult added = source.put(null, copy, NO_CONTENT);
      source.remove(
          new SnapshotEntry(
              copy, ItemVersions.of(copy), null, ((ApplyResult.Applied) added).stat()));
      source.flush();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(Corpus.bytes("corpus/google-calendar.ics"));
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(LONG_AGO);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aFileChangedByAnotherProgramAfterTheScanIsNotOverwritten() throws IOException {
    Path file = Corpus.copy("corpus/recurring-zones.ics", dir.resolve("cal.ics"));
    try (ICalSource source = ICalSource.open(file)) {
      SnapshotEntry utc = RecordingScan.of(source).entry("utc-only@corpus.example");
      source.put(utc, withSummary(utc.item(), "Ours"), NO_CONTENT);
      String theirs = Files.readString(file).replace("SUMMARY:In UTC", "SUMMARY:Theirs, meanwhile");
      Files.writeString(file, theirs);
      assertThatThrownBy(source::flush)
          .isInstanceOf(IOException.class)
          .hasMessage(
              "the calendar " + file + " changed while syncing; nothing was written, sync again");
      assertThat(Files.readString(file)).isEqualTo(theirs);
    }
    Path created = dir.resolve("new.ics");
    try (ICalSource source = ICalSource.open(created)) {
      source.scan(new RecordingScan(true));
      source.put(
          null, withSummary(scanned("corpus/outlook.ics").get(0).item(), "Ours"), NO_CONTENT);
      Files.writeString(created, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
      assertThatThrownBy(source::flush).hasMessageContaining("changed while syncing");
      assertThat(Files.readString(created)).isEqualTo("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
    }
  }

  @Test
  void closeWithoutFlushAndANewScanDropWhatWasNotFlushed() throws IOException {
    Path file = Corpus.copy("corpus/apple-calendar.ics", dir.resolve("cal.ics"));
    Files.setLastModifiedTime(file, LONG_AGO);
    try (ICalSource source = ICalSource.open(file)) {
      RecordingScan scan = RecordingScan.of(source);
      source.put(scan.found.get(0), withSummary(scan.found.get(0).item(), "Lost"), NO_CONTENT);
      source.scan(new RecordingScan(false));
      source.flush();
      source.remove(scan.found.get(1));
      source.put(null, scan.found.get(0).item().toBuilder().setUid("lost").build(), NO_CONTENT);
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(Corpus.bytes("corpus/apple-calendar.ics"));
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(LONG_AGO);
    Path missing = dir.resolve("missing.ics");
    try (ICalSource source = ICalSource.open(missing)) {
      source.scan(new RecordingScan(true));
      source.put(null, scanned("corpus/outlook.ics").get(0).item(), NO_CONTENT);
    }
    assertThat(missing).doesNotExist();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }
}
