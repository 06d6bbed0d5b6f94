package dev.deltasync.sources.vcard;

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
 * A sync of a single contacts file that applied remote edits and died before its commit: what the
 * crash journal calls written is in the file (the source writes it at each log's checkpoint), so an
 * edit made here afterwards, on the file as it is, is an edit of the remote version and keeps it,
 * instead of quietly undoing it.
 */
class ContactCrashBeforeCommitTest {
  @TempDir Path base;

  private static final String CARD =
      "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c-1\r\nFN:Casey\r\nTEL:+1 555 0111\r\n"
          + "EMAIL:casey@example.org\r\nEND:VCARD\r\n";

  @Test
  void aRemoteEditAppliedBeforeACrashSurvivesALocalEditMadeAfterIt() throws IOException {
    Path fileA = Files.writeString(base.resolve("a.vcf"), CARD, StandardCharsets.UTF_8);
    Path fileB = base.resolve("b.vcf");
    Path storeDir = base.resolve("store");
    try (DirectoryLogStore storeA = DirectoryLogStore.open(storeDir, "alice");
        DirectoryLogStore storeB = DirectoryLogStore.open(storeDir, "alice")) {
      ContactDevice a = new ContactDevice("a", base, fileA, storeA);
      ContactDevice b = new ContactDevice("b", base, fileB, storeB);
      a.sync();
      b.sync();

      replace(fileA, "TEL:+1 555 0111", "TEL:+1 555 0222");
      assertThat(a.sync().sent()).isEqualTo(1);

      assertThatThrownBy(b::syncCrashingBeforeTheCommit).hasMessage(CrashBeforeCommit.MESSAGE);
      assertThat(read(fileB)).as("written at the log's checkpoint").contains("TEL:+1 555 0222");

      // The user edits another field of the file as it is now; then both devices sync.
      replace(fileB, "EMAIL:casey@example.org", "EMAIL:casey@example.net");
      b.sync();
      a.sync();

      for (Path file : new Path[] {fileA, fileB}) {
        assertThat(read(file))
            .as(file.getFileName().toString())
            .contains("TEL:+1 555 0222")
            .contains("EMAIL:casey@example.net")
            .doesNotContain("0111");
      }
    }
  }
}
