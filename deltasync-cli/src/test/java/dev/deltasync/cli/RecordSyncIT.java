package dev.deltasync.cli;

import static dev.deltasync.cli.DeviceProcesses.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contacts and calendars end to end: a real server process, devices as separate processes, each
 * keeping the same collection in its own format — a directory of vCards, one vCard 3.0 file, one
 * vCard 4.0 file; a directory of iCalendar files and one .ics — converging, with concurrent edits
 * of different properties of one contact merged on every device.
 */
class RecordSyncIT {
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir static Path serverData;
  static ServerCrashIT.ServerProcess server;
  static Path passwordFile;

  @TempDir Path base;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerCrashIT.ServerProcess.start(serverData.resolve("data"));
    passwordFile = serverData.resolve("password");
    Files.writeString(passwordFile, PASSWORD + "\n");
    run(
            "user",
            "add",
            "erin",
            "--server",
            server.url,
            "--admin-token-file",
            serverData.resolve("data/admin-token").toString(),
            "--password-file",
            passwordFile.toString())
        .succeeded();
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    server.kill();
  }

  /** A device's home. */
  private record Device(Path home) {
    DeviceProcesses.Run command(String... args) throws Exception {
      List<String> all = new ArrayList<>(List.of("--home", home.toString()));
      all.addAll(List.of(args));
      return run(all.toArray(String[]::new));
    }

    void sync() throws Exception {
      command("sync").succeeded();
    }
  }

  private Device device(String name) throws Exception {
    Device device = new Device(base.resolve(name + "-home"));
    device
        .command(
            "join",
            server.url,
            "--user",
            "erin",
            "--password-file",
            passwordFile.toString(),
            "--device",
            name)
        .succeeded();
    return device;
  }

  private static final String ANN_30 =
      """
      BEGIN:VCARD\r
      VERSION:3.0\r
      UID:ann-1\r
      FN:Ann Archer\r
      N:Archer;Ann;;;\r
      TEL;TYPE=CELL:+1 555 0100\r
      EMAIL;TYPE=INTERNET:ann@old.example\r
      END:VCARD\r
      """;

  private static final String BOB_40 =
      """
      BEGIN:VCARD\r
      VERSION:4.0\r
      UID:urn:uuid:6f1a2b3c-0000-4000-8000-00000000b0b0\r
      FN:Bob Baker\r
      N:Baker;Bob;;;\r
      EMAIL:bob@example.org\r
      END:VCARD\r
      """;

  @Test
  void contactsInThreeFormatsConvergeAndEditsOfDifferentFieldsMerge() throws Exception {
    Device a = device("contacts-a");
    Device b = device("contacts-b");
    Device c = device("contacts-c");
    Path vdir = base.resolve("a-contacts");
    Path v30 = base.resolve("b.vcf");
    Path v40 = base.resolve("c.vcf");
    Files.writeString(v30, ANN_30, StandardCharsets.UTF_8);
    Files.writeString(v40, BOB_40, StandardCharsets.UTF_8);
    a.command("add", "people", vdir.toString(), "--type", "vcard").succeeded();
    b.command("add", "people", v30.toString(), "--type", "vcard").succeeded();
    c.command("add", "people", v40.toString(), "--type", "vcard").succeeded();
    rounds(List.of(b, c, a));

    for (Path where : List.of(vdir, v30, v40)) {
      String text = text(where);
      assertThat(text).as("%s", where).contains("Ann Archer").contains("Bob Baker");
    }
    assertThat(Files.readString(v30)).contains("VERSION:3.0").doesNotContain("VERSION:4.0");
    assertThat(Files.readString(v40)).contains("VERSION:4.0").doesNotContain("VERSION:3.0");

    // B changes Ann's phone, C her email, at the same time: both changes everywhere.
    Files.writeString(v30, Files.readString(v30).replace("+1 555 0100", "+1 555 0199"));
    Files.writeString(v40, Files.readString(v40).replace("ann@old.example", "ann@new.example"));
    rounds(List.of(b, c, a));
    for (Path where : List.of(vdir, v30, v40)) {
      String text = text(where);
      assertThat(text)
          .as("%s", where)
          .contains("+1 555 0199")
          .contains("ann@new.example")
          .doesNotContain("+1 555 0100")
          .doesNotContain("ann@old.example")
          .doesNotContain("X-DELTASYNC-CONFLICT");
    }
    assertThat(c.command("conflicts").succeeded().stdout()).contains("no conflict copies");

    // The same field on two devices: one value wins everywhere, the other is kept in a copy.
    Files.writeString(v30, Files.readString(v30).replace("Ann Archer", "Ann B. Archer"));
    Files.writeString(v40, Files.readString(v40).replace("Ann Archer", "Ann C. Archer"));
    rounds(List.of(b, c, a));
    String winner = fullName(text(vdir), "ann-1");
    assertThat(winner).isIn("Ann B. Archer", "Ann C. Archer");
    String loser = winner.equals("Ann B. Archer") ? "Ann C. Archer" : "Ann B. Archer";
    for (Path where : List.of(vdir, v30, v40)) {
      String text = text(where);
      assertThat(fullName(text, "ann-1")).as("the same winner in %s", where).isEqualTo(winner);
      String copy = contact(text, "ann-1-conflict-");
      assertThat(copy).as("the copy in %s", where).contains("FN:" + loser);
      assertThat(copy).containsPattern("\\r\\nX-DELTASYNC-CONFLICT(;[^:\\r\\n]*)?:ann-1\\r\\n");
    }
    assertThat(a.command("conflicts").succeeded().stdout())
        .contains("people: UID ann-1-conflict-")
        .contains(loser)
        .contains("a version of UID ann-1");
  }

  @Test
  void aCalendarAsADirectoryAndAsOneFileConverge() throws Exception {
    Device a = device("cal-a");
    Device b = device("cal-b");
    Path vdir = base.resolve("a-calendar");
    Path single = base.resolve("b.ics");
    Files.writeString(
        single,
        """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//Example//Calendar//EN\r
        BEGIN:VEVENT\r
        UID:standup@example.org\r
        DTSTAMP:20261101T090000Z\r
        DTSTART:20261102T090000Z\r
        DURATION:PT15M\r
        RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r
        SUMMARY:Stand-up\r
        END:VEVENT\r
        END:VCALENDAR\r
        """);
    a.command("add", "cal", vdir.toString(), "--type", "ical").succeeded();
    b.command("add", "cal", single.toString(), "--type", "ical").succeeded();
    rounds(List.of(b, a));
    assertThat(text(vdir))
        .contains("SUMMARY:Stand-up")
        .contains("RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR");

    Files.writeString(
        vdir.resolve("dentist.ics"),
        """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//Other//App//EN\r
        BEGIN:VEVENT\r
        UID:dentist-7@example.org\r
        DTSTAMP:20261101T090000Z\r
        DTSTART;VALUE=DATE:20261124\r
        SUMMARY:Dentist\r
        END:VEVENT\r
        END:VCALENDAR\r
        """);
    rounds(List.of(a, b));
    assertThat(Files.readString(single)).contains("SUMMARY:Dentist").contains("SUMMARY:Stand-up");
    assertThat(Files.readString(single)).startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");

    // A folder binding for the calendar collection is refused: the store holds calendar entries.
    Device c = device("cal-c");
    c.command("add", "cal", base.resolve("c-folder").toString()).succeeded();
    DeviceProcesses.Run wrong = c.command("sync");
    assertThat(wrong.exit()).isNotZero();
    assertThat(wrong.stderr()).contains("holds calendar entries").contains("--type ical");
  }

  /** Every device syncs, then all but the last again: enough for any change to reach all. */
  private static void rounds(List<Device> devices) throws Exception {
    for (Device device : devices) {
      device.sync();
    }
    for (Device device : devices.subList(0, devices.size() - 1)) {
      device.sync();
    }
  }

  /** The one vCard in {@code text} whose UID starts with {@code uid} (exactly it, unless "-"). */
  private static String contact(String text, String uid) {
    List<String> found = new ArrayList<>();
    for (String card : text.split("BEGIN:VCARD")) {
      for (String line : card.split("\r\n")) {
        if (line.startsWith("UID:")
            && (uid.endsWith("-") ? line.startsWith("UID:" + uid) : line.equals("UID:" + uid))) {
          found.add(card);
        }
      }
    }
    assertThat(found).as("one contact with UID %s in %s", uid, text).hasSize(1);
    return found.get(0);
  }

  private static String fullName(String text, String uid) {
    for (String line : contact(text, uid).split("\r\n")) {
      if (line.startsWith("FN:")) {
        return line.substring(3);
      }
    }
    throw new AssertionError("no FN in contact " + uid);
  }

  /** The text of a .vcf/.ics file, or of every file in a directory of them. */
  private static String text(Path where) throws IOException {
    if (!Files.isDirectory(where)) {
      return Files.readString(where, StandardCharsets.UTF_8);
    }
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> all = Files.list(where)) {
      for (Path p : all.sorted().toList()) {
        if (Files.isRegularFile(p)) {
          files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
        }
      }
    }
    return String.join("", files.values());
  }
}
