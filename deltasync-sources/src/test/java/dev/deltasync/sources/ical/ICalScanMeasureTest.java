package dev.deltasync.sources.ical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.sources.records.RecordingScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (prints, asserts nothing about time) a single .ics of 10,000 events: its scans, ten
 * edits into it, and writing all of it into a new file.
 */
class ICalScanMeasureTest {
  @TempDir Path dir;

  /** A VEVENT like those of real calendars: folded DESCRIPTION, an ATTENDEE, a VALARM. */
  private static String event(int i) {
    StringBuilder event = new StringBuilder();
    event.append("BEGIN:VEVENT\r\nUID:event-").append(i).append("@measure\r\n");
    event.append("DTSTAMP:20260101T000000Z\r\n");
    event.append("DTSTART;TZID=Europe/Berlin:20260101T100000\r\nDURATION:PT1H\r\n");
    event.append("SUMMARY:Event number ").append(i).append("\\, with a comma\r\n");
    RecordWriter.fold(
        "DESCRIPTION:A longer description that needs folding, as most real ones do: event "
            + i
            + " of the measurement calendar.",
        event);
    event.append("ATTENDEE;CN=Someone;PARTSTAT=ACCEPTED:mailto:someone@example.com\r\n");
    event.append("BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n");
    event.append("END:VEVENT\r\n");
    return event.toString();
  }

  private static final String BERLIN =
      "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
          + "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

  private static final int EVENTS = 10_000;

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  @Test
  void scanOfTenThousandEventsAndTenEditsAreMeasured() throws IOException {
    StringBuilder text =
        new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//measure//EN\r\n");
    text.append(BERLIN);
    for (int i = 0; i < EVENTS; i++) {
      text.append(event(i));
    }
    text.append("END:VCALENDAR\r\n");
    Path file = dir.resolve("big.ics");
    Files.writeString(file, text, StandardCharsets.UTF_8);

    try (ICalSource source = ICalSource.open(file)) {
      RecordingScan first = new RecordingScan(true);
      long t0 = System.nanoTime();
      source.scan(first);
      long firstScan = millisSince(t0);
      RecordingScan second = first.next();
      long t1 = System.nanoTime();
      source.scan(second);
      long secondScan = millisSince(t1);
      List<SnapshotEntry> entries = new ArrayList<>();
      List<Item> edits = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        SnapshotEntry entry = first.entry("event-" + (i * 997) + "@measure");
        entries.add(entry);
        edits.add(
            entry.item().toBuilder()
                .setRecord(
                    Corpus.record(
                        BERLIN + event(i * 997).replace("Event number", "Edited event number")))
                .build());
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        assertThat(source.put(entries.get(i), edits.get(i), id -> new byte[0]))
            .isInstanceOf(ApplyResult.Applied.class);
      }
      long puts = millisSince(t2);
      long t3 = System.nanoTime();
      source.flush();
      long flush = millisSince(t3);
      assertThat(first.found).hasSize(EVENTS);
      assertThat(second.found).hasSize(EVENTS);
      assertThat(Files.readString(file).split("SUMMARY:Edited event number", -1)).hasSize(11);
      System.out.printf(
          "ICalSource, single .ics of %d events (%d KiB): first scan (parse all) %d ms,"
              + " second scan (stat cache) %d ms, 10 edits %d ms + flush %d ms%n",
          EVENTS, Files.size(file) / 1024, firstScan, secondScan, puts, flush);
    }
  }

  @Test
  void tenThousandPutsIntoANewFileAreMeasured() throws IOException {
    List<Item> items = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      items.add(
          Item.newBuilder()
              .setKind(ItemKind.KIND_EVENT)
              .setUid("event-" + i + "@measure")
              .setRecord(Corpus.record(BERLIN + event(i)))
              .build());
    }
    Path file = dir.resolve("new.ics");
    try (ICalSource source = ICalSource.open(file)) {
      source.scan(new RecordingScan(true));
      long t0 = System.nanoTime();
      for (Item item : items) {
        assertThat(source.put(null, item, id -> new byte[0]))
            .isInstanceOf(ApplyResult.Applied.class);
      }
      long puts = millisSince(t0);
      long t1 = System.nanoTime();
      source.flush();
      long flush = millisSince(t1);
      RecordingScan check = new RecordingScan(false);
      source.scan(check);
      assertThat(check.found).hasSize(EVENTS);
      assertThat(Files.readString(file).split("BEGIN:VTIMEZONE", -1)).hasSize(2);
      System.out.printf(
          "ICalSource, %d puts of new events into an empty single .ics (%d KiB): puts %d ms,"
              + " flush %d ms%n",
          EVENTS, Files.size(file) / 1024, puts, flush);
    }
  }
}
