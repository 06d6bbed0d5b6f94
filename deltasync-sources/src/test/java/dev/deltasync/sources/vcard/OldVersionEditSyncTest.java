package dev.deltasync.sources.vcard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.sources.records.RecordingScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vCard 2.1 device editing a contact does not strip what 2.1 cannot write from the others. */
class OldVersionEditSyncTest {
  @TempDir Path base;

  @Test
  void anEditOnA21DeviceKeepsAParameterValueOnly40CanHold() throws IOException {
    Path fileA =
        Files.writeString(
            base.resolve("a.vcf"),
            "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:geo-1\r\nFN:Gina Geo\r\n"
                + "ADR;GEO=\"geo:12.3,4.5\";TYPE=home:;;1 Main St;Springfield;;12345;USA\r\n"
                + "END:VCARD\r\n",
            StandardCharsets.UTF_8);
    Path fileB = Files.writeString(base.resolve("b.vcf"), "", StandardCharsets.UTF_8);
    Files.writeString(
        fileB,
        "BEGIN:VCARD\r\nVERSION:2.1\r\nUID:other-2\r\nFN:Otto\r\nEND:VCARD\r\n",
        StandardCharsets.UTF_8);
    Path storeDir = base.resolve("store");
    try (DirectoryLogStore storeA = DirectoryLogStore.open(storeDir, "alice");
        DirectoryLogStore storeB = DirectoryLogStore.open(storeDir, "alice")) {
      ContactDevice a = new ContactDevice("a", base, fileA, storeA);
      ContactDevice b = new ContactDevice("b", base, fileB, storeB);
      a.sync();
      b.sync();
      String written = Files.readString(fileB, StandardCharsets.UTF_8);
      assertThat(written).contains("Gina Geo").doesNotContain("geo:12.3"); // 2.1 cannot hold it

      Files.writeString(fileB, written.replace("FN:Gina Geo", "FN:Gina G. Geo"));
      assertThat(b.sync().sent()).isEqualTo(1);
      a.sync();

      String back = Files.readString(fileA, StandardCharsets.UTF_8);
      assertThat(back).contains("FN:Gina G. Geo").contains("GEO=\"geo:12.3,4.5\"");
    }
  }

  @Test
  void theSameContactWithoutUidGetsTheSameUidIn21And30() throws IOException {
    Path v21 =
        Files.writeString(
            base.resolve("old.vcf"),
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lee;Sam\r\nFN:Sam Lee\r\nTEL;HOME:+1 555 0123\r\n"
                + "END:VCARD\r\n");
    Path v30 =
        Files.writeString(
            base.resolve("new.vcf"),
            "BEGIN:VCARD\nVERSION:3.0\nN:Lee;Sam\nFN:Sam Lee\nTEL;TYPE=home:+1 555 0123\nEND:VCARD\n");
    RecordingScan old = new RecordingScan(true);
    VCardSource.open(v21).scan(old);
    RecordingScan current = new RecordingScan(true);
    VCardSource.open(v30).scan(current);
    assertThat(old.found).hasSize(1);
    assertThat(current.found).hasSize(1);
    assertThat(old.found.get(0).item().getUid()).isEqualTo(current.found.get(0).item().getUid());
  }
}
