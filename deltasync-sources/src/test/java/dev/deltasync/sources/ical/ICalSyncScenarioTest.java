package dev.deltasync.sources.ical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.format.v1.Component;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One calendar kept as a vdir on a laptop and as a single .ics file on a desktop, synced through a
 * plain directory store: adds, edits and deletes on both sides converge.
 */
class ICalSyncScenarioTest {
  @TempDir Path base;

  private static final String NEW_EVENT =
      """
      BEGIN:VEVENT\r
      UID:%s\r
      DTSTAMP:20261101T090000Z\r
      DTSTART;TZID=Europe/Berlin:20261205T180000\r
      DTEND;TZID=Europe/Berlin:20261205T200000\r
      SUMMARY:%s\r
      END:VEVENT\r
      """;

  private static void edit(Path file, String from, String to) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).contains(from);
    Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
  }

  @Test
  void aVdirAndASingleFileConvergeThroughADirectoryStore() throws IOException {
    Path storeDir = base.resolve("shared/deltasync");
    try (DirectoryLogStore storeA = DirectoryLogStore.open(storeDir, "alice");
        DirectoryLogStore storeB = DirectoryLogStore.open(storeDir, "alice")) {
      CalendarDevice laptop =
          new CalendarDevice("laptop", base, Corpus.copyVdir(base.resolve("laptop-vdir")), storeA);
      CalendarDevice desktop =
          new CalendarDevice("desktop", base, base.resolve("desktop/calendar.ics"), storeB);

      assertThat(laptop.sync().sent()).isEqualTo(3);
      assertThat(desktop.sync().applied()).isEqualTo(3);
      assertThat(desktop.records()).isEqualTo(laptop.records()).hasSize(3);
      String file = Files.readString(desktop.calendar);
      assertThat(file.split("BEGIN:VTIMEZONE", -1)).hasSize(2); // written once

      // Desktop: edit one event, add one (using the shared Europe/Berlin zone), in the file.
      edit(desktop.calendar, "SUMMARY:Chorprobe", "SUMMARY:Chorprobe (Generalprobe)");
      edit(
          desktop.calendar,
          "END:VCALENDAR",
          NEW_EVENT.formatted("xmas-concert@desktop", "Weihnachtskonzert") + "END:VCALENDAR");
      // Laptop: delete one file, add one event, edit the to-do.
      Files.delete(laptop.calendar.resolve("dentist@corpus.example.ics"));
      Path added = laptop.calendar.resolve("added-on-laptop.ics");
      Files.writeString(
          added,
          "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
              + "UID:dinner@laptop\r\nDTSTAMP:20261101T090000Z\r\nDTSTART;VALUE=DATE:20261224\r\n"
              + "SUMMARY:Essen bei Oma\\, mit Kindern\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
      edit(
          laptop.calendar.resolve("buy-milk.ics"),
          "SUMMARY:Milch kaufen",
          "SUMMARY:Milch und Brot kaufen");

      desktop.sync();
      laptop.sync();
      desktop.sync();

      Map<String, Component> expected = laptop.records();
      assertThat(desktop.records()).isEqualTo(expected);
      assertThat(expected)
          .containsOnlyKeys(
              "9b3c1f5e-2a47-4d8e-b1c6-0f7a8e9d2c31",
              "buy-milk@corpus.example",
              "xmas-concert@desktop",
              "dinner@laptop");
      String desktopFile = Files.readString(desktop.calendar);
      assertThat(desktopFile)
          .contains("SUMMARY:Chorprobe (Generalprobe)")
          .contains("SUMMARY:Milch und Brot kaufen")
          .contains("SUMMARY:Essen bei Oma\\, mit Kindern")
          .doesNotContain("Zahnarzt");
      assertThat(laptop.calendar.resolve("xmas-concert@desktop.ics")).exists();
      assertThat(Files.readString(laptop.calendar.resolve("xmas-concert@desktop.ics")))
          .contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin");

      // Desktop deletes the laptop's event by editing its file; the laptop's file goes.
      String text = Files.readString(desktop.calendar);
      int start = text.indexOf("BEGIN:VEVENT\r\nUID:dinner@laptop");
      int end = text.indexOf("END:VEVENT\r\n", start) + "END:VEVENT\r\n".length();
      Files.writeString(desktop.calendar, text.substring(0, start) + text.substring(end));
      desktop.sync();
      laptop.sync();
      assertThat(added).doesNotExist();
      assertThat(laptop.records()).isEqualTo(desktop.records()).hasSize(3);

      // Nothing changed: nothing is sent, and the files are not rewritten.
      byte[] before = Files.readAllBytes(desktop.calendar);
      assertThat(desktop.sync().sent()).isZero();
      assertThat(laptop.sync().sent()).isZero();
      assertThat(Files.readAllBytes(desktop.calendar)).isEqualTo(before);
    }
  }
}
