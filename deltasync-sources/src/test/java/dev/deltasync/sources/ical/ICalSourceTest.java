package dev.deltasync.sources.ical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.Value;
import dev.deltasync.sources.records.RecordingScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source's contract: scan, put, remove, stat cache, bad input, missing data. */
class ICalSourceTest {
  @TempDir Path dir;

  private static final ContentReader NO_CONTENT =
      id -> {
        throw new AssertionError("records have no chunks");
      };

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** {@code entry} with its record's SUMMARY of the first VEVENT/VTODO set to {@code summary}. */
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
      break;
    }
    return item.toBuilder().setRecord(record).build();
  }

  @Test
  void itemsReadFromAVdirAndPutIntoASingleFileReadBackAsTheSameRecords() throws IOException {
    Path vdir = Corpus.copyVdir(dir.resolve("vdir"));
    RecordingScan fromVdir;
    try (ICalSource source = ICalSource.open(vdir)) {
      fromVdir = RecordingScan.of(source);
    }
    assertThat(fromVdir.uids()).hasSize(3);
    Path single = dir.resolve("out/calendar.ics");
    try (ICalSource source = ICalSource.open(single)) {
      source.scan(new RecordingScan(true));
      for (SnapshotEntry entry : fromVdir.found) {
        assertThat(source.put(null, entry.item(), NO_CONTENT))
            .isInstanceOf(ApplyResult.Applied.class);
      }
      source.flush();
    }
    assertThat(read(single)).startsWith("BEGIN:VCALENDAR\r\n").endsWith("END:VCALENDAR\r\n");
    try (ICalSource source = ICalSource.open(single)) {
      assertThat(RecordingScan.of(source).records()).isEqualTo(fromVdir.records());
    }
  }

  @Test
  void itemsOfASingleFilePutIntoAVdirGetOneFileEachNamedFromTheUid() throws IOException {
    Path single = Corpus.copy("corpus/recurring-zones.ics", dir.resolve("cal.ics"));
    RecordingScan fromFile;
    try (ICalSource source = ICalSource.open(single)) {
      fromFile = RecordingScan.of(source);
    }
    Path vdir = dir.resolve("vdir");
    Files.createDirectories(vdir);
    try (ICalSource source = ICalSource.open(vdir)) {
      for (SnapshotEntry entry : fromFile.found) {
        source.put(null, entry.item(), NO_CONTENT);
      }
      assertThat(RecordingScan.of(source).records()).isEqualTo(fromFile.records());
    }
    try (Stream<Path> files = Files.list(vdir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "standup-2026@corpus.example.ics",
              "tokyo-sydney-call@corpus.example.ics",
              "allday-conference@corpus.example.ics",
              "utc-only@corpus.example.ics");
    }
    assertThat(VdirNames.forUid("a/b:c")).matches("a_b_c-[0-9a-f]{12}\\.ics");
    assertThat(VdirNames.forUid("../x")).doesNotContain("/").endsWith(".ics");
  }

  @Test
  void aScanNeverTouchesTheFile() throws IOException {
    Path file = Corpus.copy("corpus/outlook.ics", dir.resolve("cal.ics"));
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000_000L));
    try (ICalSource source = ICalSource.open(file)) {
      source.scan(new RecordingScan(true));
      source.scan(new RecordingScan(false));
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(Corpus.bytes("corpus/outlook.ics"));
    assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(1_000_000_000_000L);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void writingOneItemKeepsEveryOtherByteOfTheFile() throws IOException {
    Path file = Corpus.copy("corpus/google-calendar.ics", dir.resolve("cal.ics"));
    String before = read(file);
    try (ICalSource source = ICalSource.open(file)) {
      RecordingScan scan = RecordingScan.of(source);
      SnapshotEntry holidays = scan.entry("0a1b2c3d4e5f6g7h8i9j0k1l2m@google.com");
      ApplyResult result =
          source.put(holidays, withSummary(holidays.item(), "Osterferien NRW 2026"), NO_CONTENT);
      assertThat(result).isInstanceOf(ApplyResult.Applied.class);
      assertThat(read(file)).isEqualTo(before); // written at flush
      source.flush();
      String after = read(file);
      int start = before.indexOf("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260330");
      int end = before.indexOf("END:VEVENT\r\n", start) + "END:VEVENT\r\n".length();
      assertThat(after).startsWith(before.substring(0, start)).endsWith(before.substring(end));
      assertThat(after).contains("SUMMARY:Osterferien NRW 2026\r\n");
      // The stat of the write is the fingerprint the next scan sees: reported from the snapshot.
      RecordingScan next = new RecordingScan(false);
      SnapshotEntry written =
          new SnapshotEntry(
              holidays.item(), holidays.version(), null, ((ApplyResult.Applied) result).stat());
      next.snapshot.put(holidays.item().getUid(), written);
      source.scan(next);
      assertThat(next.entry(holidays.item().getUid())).isSameAs(written);
    }
  }

  @Test
  void anUnchangedItemIsReportedFromTheSnapshotAndAChangedOneIsReadAgain() throws IOException {
    Path file = Corpus.copy("corpus/apple-calendar.ics", dir.resolve("cal.ics"));
    try (ICalSource source = ICalSource.open(file)) {
      RecordingScan first = RecordingScan.of(source);
      RecordingScan second = first.next();
      source.scan(second);
      for (SnapshotEntry entry : first.found) {
        assertThat(second.entry(entry.item().getUid())).isSameAs(entry);
      }
      Files.writeString(
          file, read(file).replace("SUMMARY:Renouveler le passeport", "SUMMARY:Passeport"));
      RecordingScan third = first.next();
      source.scan(third);
      SnapshotEntry todo = third.entry("5E4D3C2B-1A09-4F8E-8D7C-6B5A49382716");
      assertThat(todo).isNotSameAs(first.entry("5E4D3C2B-1A09-4F8E-8D7C-6B5A49382716"));
      assertThat(todo.stat()).isNotEqualTo(first.entry(todo.item().getUid()).stat());
      assertThat(third.entry("8C1F2E2A-5B3D-4F1E-9A6B-1C2D3E4F5A6B"))
          .isSameAs(first.entry("8C1F2E2A-5B3D-4F1E-9A6B-1C2D3E4F5A6B"));
    }
  }

  @Test
  void aMalformedItemIsReportedWithFileAndLineSkippedAndKeptAsItWas() throws IOException {
    Path file = Corpus.copy("malformed/one-broken-event.ics", dir.resolve("cal.ics"));
    try (ICalSource source = ICalSource.open(file)) {
      RecordingScan first = RecordingScan.of(source);
      assertThat(first.uids())
          .containsExactly("good-before@corpus.example", "good-after@corpus.example");
      assertThat(source.problems()).hasSize(1);
      assertThat(source.problems().get(0)).contains(file + ":14").contains("not synced");

      // With a snapshot entry for the UID, it is reported unchanged: no delete elsewhere.
      SnapshotEntry synced =
          new SnapshotEntry(
              Item.newBuilder()
                  .setUid("broken@corpus.example")
                  .setRecord(Component.newBuilder().setName("VCALENDAR"))
                  .build(),
              ByteString.copyFrom(new byte[32]),
              null,
              new FileStat(1, 2, 0));
      RecordingScan later = first.next();
      later.snapshot.put("broken@corpus.example", synced);
      source.scan(later);
      assertThat(later.entry("broken@corpus.example")).isSameAs(synced);

      // Writing into the file, or trying to replace the broken item, never loses its text.
      SnapshotEntry good = first.entry("good-after@corpus.example");
      source.put(good, withSummary(good.item(), "Good after, edited"), NO_CONTENT);
      assertThat(
              source.put(
                  synced,
                  good.item().toBuilder().setUid("broken@corpus.example").build(),
                  NO_CONTENT))
          .isInstanceOf(ApplyResult.LocalChanged.class);
      assertThat(source.remove(synced)).isInstanceOf(ApplyResult.LocalChanged.class);
      source.flush();
      assertThat(read(file))
          .contains(
              "UID:broken@corpus.example\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260402T100000Z\r\nthis line is not a property\r\nSUMMARY:Broken\r\n")
          .contains("SUMMARY:Good after\\, edited");
    }
  }

  @Test
  void aDuplicateUidIsReported() throws IOException {
    Path file = dir.resolve("dup.ics");
    String event =
        "BEGIN:VEVENT\r\nUID:twice\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:%s\r\nEND:VEVENT\r\n";
    Files.writeString(
        file,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
            + event.formatted("one")
            + event.formatted("two")
            + "END:VCALENDAR\r\n");
    try (ICalSource source = ICalSource.open(file)) {
      RecordingScan scan = RecordingScan.of(source);
      assertThat(scan.uids()).containsExactly("twice");
      assertThat(source.problems())
          .singleElement()
          .asString()
          .contains(file + ":8")
          .contains("duplicate UID twice");
    }
  }

  @Test
  void putAndRemoveWithAStaleExpectedStateChangeNothing() throws IOException {
    Path file = Corpus.copy("corpus/recurring-zones.ics", dir.resolve("cal.ics"));
    try (ICalSource source = ICalSource.open(file)) {
      SnapshotEntry scanned = RecordingScan.of(source).entry("utc-only@corpus.example");
      Files.writeString(file, read(file).replace("SUMMARY:In UTC", "SUMMARY:Edited here"));
      byte[] edited = Files.readAllBytes(file);
      source.scan(new RecordingScan(false)); // the edit is local; the engine's entry is stale
      ApplyResult put =
          source.put(scanned, withSummary(scanned.item(), "Edited there"), NO_CONTENT);
      assertThat(put).isInstanceOf(ApplyResult.LocalChanged.class);
      assertThat(((ApplyResult.LocalChanged) put).reason()).isEqualTo(ApplyResult.Reason.CHANGED);
      assertThat(source.remove(scanned)).isInstanceOf(ApplyResult.LocalChanged.class);
      assertThat(source.put(null, withSummary(scanned.item(), "Other"), NO_CONTENT))
          .isEqualTo(
              new ApplyResult.LocalChanged(
                  ApplyResult.Reason.PATH_TAKEN,
                  "an event or to-do with UID utc-only@corpus.example exists already in " + file));
      source.flush();
      assertThat(Files.readAllBytes(file)).isEqualTo(edited);
    }
  }

  @Test
  void removingAnItemDropsTheTimezonesOnlyItUsedAndAVdirFileWithIt() throws IOException {
    Path file = Corpus.copy("corpus/recurring-zones.ics", dir.resolve("cal.ics"));
    try (ICalSource source = ICalSource.open(file)) {
      RecordingScan scan = RecordingScan.of(source);
      assertThat(source.remove(scan.entry("tokyo-sydney-call@corpus.example")))
          .isEqualTo(new ApplyResult.Applied(null));
      source.flush();
      String after = read(file);
      assertThat(after).doesNotContain("TZID:Australia/Sydney").contains("TZID:Asia/Tokyo");
      assertThat(source.remove(scan.entry("standup-2026@corpus.example")))
          .isInstanceOf(ApplyResult.Applied.class);
      source.flush();
      assertThat(read(file)).doesNotContain("TZID:Asia/Tokyo").doesNotContain("America/New_York");
      assertThat(source.remove(scan.entry("standup-2026@corpus.example")))
          .isEqualTo(new ApplyResult.Applied(null));
    }
    Path vdir = Corpus.copyVdir(dir.resolve("vdir"));
    try (ICalSource source = ICalSource.open(vdir)) {
      RecordingScan scan = RecordingScan.of(source);
      source.remove(scan.entry("dentist@corpus.example"));
      assertThat(vdir.resolve("dentist@corpus.example.ics")).doesNotExist();
      assertThat(vdir.resolve("buy-milk.ics")).exists();
    }
  }

  @Test
  void aMissingCalendarIsRefusedAfterTheFirstSyncAndCreatedOnTheFirst() throws IOException {
    Path file = dir.resolve("gone.ics");
    try (ICalSource source = ICalSource.open(file)) {
      assertThatThrownBy(() -> source.scan(new RecordingScan(false)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file + " is missing")
          .hasMessageContaining("Nothing was changed");
      RecordingScan first = new RecordingScan(true);
      source.scan(first);
      assertThat(first.found).isEmpty();
      assertThat(file).doesNotExist();
    }
    Path vdir = dir.resolve("gone-vdir");
    try (ICalSource source = ICalSource.open(vdir)) {
      assertThatThrownBy(() -> source.scan(new RecordingScan(false)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("is missing");
    }
    SnapshotEntry milk;
    try (ICalSource source = ICalSource.open(Corpus.copyVdir(dir.resolve("v")))) {
      milk = RecordingScan.of(source).entry("buy-milk@corpus.example");
    }
    try (ICalSource source = ICalSource.open(file)) {
      source.put(null, milk.item(), NO_CONTENT);
      source.flush();
      assertThat(RecordingScan.of(source).records())
          .isEqualTo(Map.of("buy-milk@corpus.example", milk.item().getRecord()));
    }
  }

  @Test
  void theUidWrittenIsTheTargetsUid() throws IOException {
    Path vdir = Corpus.copyVdir(dir.resolve("vdir"));
    try (ICalSource source = ICalSource.open(vdir)) {
      SnapshotEntry milk = RecordingScan.of(source).entry("buy-milk@corpus.example");
      Item copy = milk.item().toBuilder().setUid("buy-milk-conflict-phone-1").build();
      source.put(null, copy, NO_CONTENT);
      Component todo =
          RecordingScan.of(source)
              .entry("buy-milk-conflict-phone-1")
              .item()
              .getRecord()
              .getComponents(0);
      assertThat(todo.getPropertiesList())
          .filteredOn(p -> p.getName().equals("UID"))
          .extracting(Property::getValuesList)
          .containsExactly(
              java.util.List.of(Value.newBuilder().setText("buy-milk-conflict-phone-1").build()));
    }
  }
}
