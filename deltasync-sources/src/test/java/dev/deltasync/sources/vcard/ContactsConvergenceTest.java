package dev.deltasync.sources.vcard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Property;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three devices keep one address book in three forms, a vdir, a vCard 3.0 file and a vCard 4.0
 * file, and sync through a plain directory store. They converge on the same records, and once they
 * have, no device sends anything (no ping-pong between versions).
 */
class ContactsConvergenceTest {
  @TempDir Path base;

  @Test
  void aVdirAThreePointZeroFileAndAFourPointZeroFileConvergeWithoutPingPong() throws IOException {
    Path storeDir = base.resolve("store");
    Path vdir = Files.createDirectories(base.resolve("a-vdir"));
    byte[] google = CorpusRoundTripTest.resource("google-3.0.vcf");
    ContactFile googleFile = ContactFile.of(Path.of("google"), google);
    Files.write(vdir.resolve("ada.vcf"), googleFile.entries.get(0).bytes(google));
    Files.write(vdir.resolve("alan.vcf"), googleFile.entries.get(1).bytes(google));
    Path threeFile = base.resolve("b-contacts.vcf");
    Files.write(threeFile, CorpusRoundTripTest.resource("apple-contacts-3.0.vcf"));
    Path fourFile = base.resolve("c-contacts.vcf");
    Files.write(fourFile, CorpusRoundTripTest.resource("data-uris-4.0.vcf"));

    try (DirectoryLogStore storeA = DirectoryLogStore.open(storeDir, "alice");
        DirectoryLogStore storeB = DirectoryLogStore.open(storeDir, "alice");
        DirectoryLogStore storeC = DirectoryLogStore.open(storeDir, "alice")) {
      ContactDevice a = new ContactDevice("a", base, vdir, storeA);
      ContactDevice b = new ContactDevice("b", base, threeFile, storeB);
      ContactDevice c = new ContactDevice("c", base, fourFile, storeC);
      round(a, b, c);

      Map<String, Component> expected = a.contacts();
      assertThat(expected).hasSize(5);
      assertThat(b.contacts()).isEqualTo(expected);
      assertThat(c.contacts()).isEqualTo(expected);
      assertThat(Files.readString(fourFile)).doesNotContain("VERSION:3.0");
      assertThat(Files.readString(threeFile)).contains("PHOTO;ENCODING=b;TYPE=png:");
      assertQuiet(a, b, c);

      // A adds a contact and edits Ada's phone; B deletes Alan.
      Files.writeString(
          vdir.resolve("new.vcf"),
          "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:new-1\r\nFN:Katherine Johnson\r\n"
              + "N:Johnson;Katherine;;;\r\nTEL;TYPE=WORK:+1 757 555 0100\r\nEND:VCARD\r\n");
      Path ada = vdir.resolve("ada.vcf");
      Files.writeString(
          ada,
          Files.readString(ada)
              .replace("TEL;TYPE=CELL:+44 20 7946 0018", "TEL;TYPE=CELL:+44 7700 900123"));
      deleteContact(threeFile, "google-0a9e7d12");
      round(a, b, c);

      Map<String, Component> after = a.contacts();
      assertThat(after).containsKey("new-1").doesNotContainKey("google-0a9e7d12").hasSize(5);
      assertThat(phone(Objects.requireNonNull(after.get("google-c3f1a2b4"))))
          .isEqualTo("+44 7700 900123");
      assertThat(b.contacts()).isEqualTo(after);
      assertThat(c.contacts()).isEqualTo(after);
      assertThat(Files.readString(fourFile)).contains("FN:Katherine Johnson");
      assertQuiet(a, b, c);
    }
  }

  private static void round(ContactDevice a, ContactDevice b, ContactDevice c) throws IOException {
    for (ContactDevice device : new ContactDevice[] {a, b, c, a, b}) {
      SyncResult result = device.sync();
      assertThat(result.warnings()).as(device.name).isEmpty();
      assertThat(result.conflicts()).as(device.name).isZero();
    }
  }

  private static void assertQuiet(ContactDevice... devices) throws IOException {
    for (ContactDevice device : devices) {
      SyncResult result = device.sync();
      assertThat(result.sent()).as("%s sends nothing once converged", device.name).isZero();
      assertThat(result.applied()).as(device.name).isZero();
    }
  }

  private static String phone(Component record) {
    return record.getPropertiesList().stream()
        .filter(p -> p.getName().equals("TEL"))
        .map(Property::getValuesList)
        .map(values -> values.get(0).getText())
        .findFirst()
        .orElseThrow();
  }

  /** Deletes the entry with {@code uid} from a .vcf file as an address book application would. */
  static void deleteContact(Path file, String uid) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ContactFile contacts = ContactFile.of(file, bytes);
    for (EntryText entry : contacts.entries) {
      if (new String(entry.bytes(bytes), StandardCharsets.UTF_8).contains("UID:" + uid + "\r\n")) {
        Files.write(file, contacts.replace(entry, null));
        return;
      }
    }
    throw new AssertionError("no contact " + uid + " in " + file);
  }
}
