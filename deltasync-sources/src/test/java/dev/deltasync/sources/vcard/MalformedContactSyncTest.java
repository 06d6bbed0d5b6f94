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
      Files.createDirectories(a.home);
      Files.createDirectories(b.home);
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
}
