package dev.deltasync.sources.ical;

import static dev.deltasync.sources.records.TextFiles.read;
import static dev.deltasync.sources.records.TextFiles.replace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.sources.records.CrashBeforeCommit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single calendar file whose sync applied a remote edit and died before its commit holds that
 * edit (written at the log's checkpoint), so a local edit of another property made afterwards keeps
 * it.
 */
class ICalCrashBeforeCommitTest {
  @TempDir Path base;

  private static final String CALENDAR =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
          + "UID:standup@example.org\r\nDTSTAMP:20261101T090000Z\r\n"
          + "DTSTART:20261201T090000Z\r\nSUMMARY:Standup\r\nLOCATION:Room 1\r\n"
          + "END:VEVENT\r\nEND:VCALENDAR\r\n";

  @Test
  void aRemoteEditAppliedBeforeACrashSurvivesALocalEditMadeAfterIt() throws IOException {
    Files.createDirectories(base.resolve("a"));
    Path fileA = Files.writeString(base.resolve("a/cal.ics"), CALENDAR, StandardCharsets.UTF_8);
    Path fileB = base.resolve("b/cal.ics");
    Files.createDirectories(fileB.getParent());
    Path storeDir = base.resolve("store");
    try (DirectoryLogStore storeA = DirectoryLogStore.open(storeDir, "alice");
        DirectoryLogStore storeB = DirectoryLogStore.open(storeDir, "alice")) {
      CalendarDevice a = new CalendarDevice("a", base, fileA, storeA);
      CalendarDevice b = new CalendarDevice("b", base, fileB, storeB);
      a.sync();
      b.sync();

      replace(fileA, "SUMMARY:Standup", "SUMMARY:Standup (moved)");
      assertThat(a.sync().sent()).isEqualTo(1);

      assertThatThrownBy(b::syncCrashingBeforeTheCommit).hasMessage(CrashBeforeCommit.MESSAGE);
      assertThat(read(fileB)).as("written at the log's checkpoint").contains("Standup (moved)");

      replace(fileB, "LOCATION:Room 1", "LOCATION:Room 2");
      b.sync();
      a.sync();

      for (Path file : new Path[] {fileA, fileB}) {
        assertThat(read(file))
            .as(file.toString())
            .contains("SUMMARY:Standup (moved)")
            .contains("LOCATION:Room 2");
      }
    }
  }
}
