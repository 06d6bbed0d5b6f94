package dev.deltasync.sources.vcard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.sources.records.RecordingScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (prints, does not assert times): a scan of one .vcf with 10,000 contacts, their first
 * sync through a directory store, and a sync after 10 of them were edited. Targets: the second
 * change log under 5 KiB, the second sync under 1 s.
 */
class TenThousandContactsMeasureTest {
  @TempDir Path base;

  static String contact(int i, String phone) {
    return "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:contact-"
        + i
        + "\r\nN:Person"
        + i
        + ";Given;;;\r\nFN:Given Person"
        + i
        + "\r\nEMAIL;TYPE=INTERNET;TYPE=HOME:person"
        + i
        + "@example.com\r\nTEL;TYPE=CELL:"
        + phone
        + "\r\nADR;TYPE=HOME:;;"
        + i
        + " Main Street;Springfield;;12345;USA\r\nNOTE:Contact number "
        + i
        + "\\, generated.\r\nEND:VCARD\r\n";
  }

  @Test
  void scanAndSyncOfTenThousandContactsInOneFile() throws IOException {
    Path file = base.resolve("contacts.vcf");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      text.append(contact(i, "+1 555 " + (1_000_000 + i)));
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);

    long start = System.nanoTime();
    RecordingScan scan = new RecordingScan(true);
    VCardSource.open(file).scan(scan);
    long scanMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(scan.found).hasSize(10_000);

    try (DirectoryLogStore store = DirectoryLogStore.open(base.resolve("store"), "alice")) {
      ContactDevice device = new ContactDevice("phone", base, file, store);
      start = System.nanoTime();
      SyncResult first = device.sync();
      long firstMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(first.sent()).isEqualTo(10_000);

      // Another device receives them all into its own (new) single file: written once, at flush.
      Files.createDirectories(base.resolve("laptop-home"));
      ContactDevice receiver = new ContactDevice("laptop", base, base.resolve("laptop.vcf"), store);
      start = System.nanoTime();
      SyncResult received = receiver.sync();
      long receiveMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(received.applied()).isEqualTo(10_000);
      assertThat(receiver.contacts()).hasSize(10_000);

      String edited = Files.readString(file, StandardCharsets.UTF_8);
      for (int i = 0; i < 10_000; i += 1000) {
        edited =
            edited.replace(
                "TEL;TYPE=CELL:+1 555 " + (1_000_000 + i) + "\r\n",
                "TEL;TYPE=CELL:+1 555 0000\r\n");
      }
      Files.writeString(file, edited, StandardCharsets.UTF_8);
      start = System.nanoTime();
      SyncResult second = device.sync();
      long secondMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(second.sent()).isEqualTo(10);
      assertThat(second.bytesUp()).as("the change log of 10 phone edits").isLessThan(5 * 1024);

      System.out.printf(
          "vcard measure: file %d KiB; scan of 10,000 contacts %d ms; first sync %d ms, %d KiB up;"
              + " first sync of another device receiving them %d ms;"
              + " sync after editing 10: %d ms, %d bytes up (targets < 1 s, < 5 KiB)%n",
          Files.size(file) / 1024,
          scanMillis,
          firstMillis,
          first.bytesUp() / 1024,
          receiveMillis,
          secondMillis,
          second.bytesUp());
    }
  }
}
