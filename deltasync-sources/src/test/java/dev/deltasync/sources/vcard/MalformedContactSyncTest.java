package dev.deltasync.sources.vcard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.store.DirectoryLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A malformed local contact, across devices: reported, kept, never deleted, never blocking. */
class MalformedContactSyncTest {
  @TempDir Path base;

  private static final String GOOD =
      "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x-1\r\nFN:Xavier Good\r\nTEL:+1 555 0101\r\nEND:VCARD\r\n";

  private static final String BROKEN =
      "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x-1\r\nFN:Xavier Broken\r\n"
          + "this line has no colon\r\nEND:VCARD\r\n"
          + "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:y-2\r\nFN:Yvonne\r\nEND:VCARD\r\n";

  @Test
  void theSameUidArrivingFromElsewhereLandsBesideAMalformedLocalEntry() throws IOException {
    Path fileA = Files.writeString(base.resolve("a.vcf"), GOOD, StandardCharsets.UTF_8);
    Path fileB = Files.writeString(base.resolve("b.vcf"), BROKEN, StandardCharsets.UTF_8);
    Path storeDir = base.resolve("store");
    try (DirectoryLogStore storeA = DirectoryLogStore.open(storeDir, "alice");
        DirectoryLogStore storeB = DirectoryLogStore.open(storeDir, "alice")) {
      ContactDevice a = new ContactDevice("a", base, fileA, storeA);
      ContactDevice b = new ContactDevice("b", base, fileB, storeB);
      a.sync();

      // b cannot read its own x-1, so the store's x-1 cannot replace it: it lands in a copy.
      SyncResult first = b.sync();
      assertThat(first.warnings()).anySatisfy(w -> assertThat(w).contains("b.vcf:"));
      assertThat(first.conflicts()).isEqualTo(1);
      String textB = Files.readString(fileB, StandardCharsets.UTF_8);
      assertThat(textB).contains("this line has no colon").contains("FN:Xavier Broken");
      assertThat(textB).contains("FN:Xavier Good").contains("UID:x-1-conflict-a-");
      assertThat(b.sync().sent()).isZero(); // and later syncs go on quietly

      // Nothing was deleted anywhere: a still has its x-1, and now b's y-2 and the copy.
      a.sync();
      assertThat(a.contacts()).containsKeys("x-1", "y-2");
      assertThat(Files.readString(fileA, StandardCharsets.UTF_8)).contains("FN:Xavier Good");
    }
  }

  @Test
  void anEntryWhoseUidBrokeHoldsBackDeletesUntilItIsFixed() throws IOException {
    String three =
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p-1\r\nFN:Pat\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:q-2\r\nFN:Quinn\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:r-3\r\nFN:Robin\r\nEND:VCARD\r\n";
    Path fileA = Files.writeString(base.resolve("a.vcf"), three, StandardCharsets.UTF_8);
    Path fileB = base.resolve("b.vcf");
    Path storeDir = base.resolve("store");
    try (DirectoryLogStore storeA = DirectoryLogStore.open(storeDir, "alice");
        DirectoryLogStore storeB = DirectoryLogStore.open(storeDir, "alice")) {
      ContactDevice a = new ContactDevice("a", base, fileA, storeA);
      ContactDevice b = new ContactDevice("b", base, fileB, storeB);
      a.sync();
      b.sync();

      // On a, q-2's UID line breaks (no colon: the entry is malformed and has no UID), and r-3
      // is deleted at the same time.
      String broken =
          "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p-1\r\nFN:Pat\r\nEND:VCARD\r\n"
              + "BEGIN:VCARD\r\nVERSION:3.0\r\nUID q-2\r\nFN:Quinn\r\nEND:VCARD\r\n";
      Files.writeString(fileA, broken, StandardCharsets.UTF_8);
      SyncResult held = a.sync();
      assertThat(held.sent()).isZero();
      assertThat(held.warnings())
          .anySatisfy(w -> assertThat(w).contains("a.vcf:").contains("no delete is sent"));
      b.sync();
      assertThat(b.contacts()).containsKeys("p-1", "q-2", "r-3"); // nothing deleted elsewhere

      // Fixed: q-2 is itself again, and the delete of r-3 goes out.
      Files.writeString(fileA, broken.replace("UID q-2", "UID:q-2"), StandardCharsets.UTF_8);
      assertThat(a.sync().sent()).isEqualTo(1);
      b.sync();
      assertThat(b.contacts()).containsOnlyKeys("p-1", "q-2");
    }
  }
}
