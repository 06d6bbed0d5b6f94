package dev.deltasync.sources.ical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measures (prints, asserts nothing about time) scans of a single .ics with 10,000 events. */
class ICalScanMeasureTest {
  @TempDir Path dir;

  @Test
  void scanOfTenThousandEventsIsMeasured() throws IOException {
    int events = 10_000;
    StringBuilder text =
        new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//measure//EN\r\n");
    text.append(
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
            + "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n");
    for (int i = 0; i < events; i++) {
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
      text.append(event);
    }
    text.append("END:VCALENDAR\r\n");
    Path file = dir.resolve("big.ics");
    Files.writeString(file, text, StandardCharsets.UTF_8);

    try (ICalSource source = ICalSource.open(file)) {
      RecordingScan first = new RecordingScan(true);
      long t0 = System.nanoTime();
      source.scan(first);
      long t1 = System.nanoTime();
      RecordingScan second = RecordingScan.after(first);
      source.scan(second);
      long t2 = System.nanoTime();
      SnapshotEntry last = first.entry("event-" + (events - 1) + "@measure");
      ApplyResult put = source.put(last, last.item(), id -> new byte[0]);
      long t3 = System.nanoTime();
      assertThat(first.found).hasSize(events);
      assertThat(second.found).hasSize(events);
      assertThat(put).isInstanceOf(ApplyResult.Applied.class);
      System.out.printf(
          "ICalSource, single .ics of %d events (%d KiB): first scan (parse all) %d ms,"
              + " second scan (stat cache) %d ms, one put %d ms%n",
          events,
          Files.size(file) / 1024,
          (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000,
          (t3 - t2) / 1_000_000);
    }
  }
}
