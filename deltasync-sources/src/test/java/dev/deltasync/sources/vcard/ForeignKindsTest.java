package dev.deltasync.sources.vcard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.SyncException;
import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.sources.folder.FolderSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A collection bound as contacts on one device and as a folder on another: refused, not mixed. */
class ForeignKindsTest {
  @TempDir Path base;

  @Test
  void contactsArrivingInAFolderAreRefusedWithNothingApplied() throws IOException {
    Path contacts =
        Files.writeString(
            base.resolve("a.vcf"),
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:k-1\r\nFN:Kim\r\nEND:VCARD\r\n",
            StandardCharsets.UTF_8);
    Path folder = Files.createDirectories(base.resolve("folder"));
    Files.createFile(folder.resolve(".deltasync"));
    Files.writeString(folder.resolve("notes.txt"), "mine");
    Path storeDir = base.resolve("store");
    try (DirectoryLogStore storeA = DirectoryLogStore.open(storeDir, "alice");
        DirectoryLogStore storeB = DirectoryLogStore.open(storeDir, "alice")) {
      ContactDevice a = new ContactDevice("a", base, contacts, storeA);
      a.sync();

      Files.createDirectories(base.resolve("b-home"));
      try (SnapshotStore snapshot = SnapshotStore.open(base.resolve("b-home/snapshot.db"));
          FolderSource source = FolderSource.open(folder)) {
        SyncOptions options = SyncOptions.of("alice", "b", "contacts", source, snapshot, storeB);
        assertThatThrownBy(() -> new SyncOperation(options).execute())
            .isInstanceOf(SyncException.class)
            .hasMessageContaining("holds contacts")
            .hasMessageContaining("bound as different types")
            .hasMessageContaining("Nothing of it was applied");
      }
      try (var files = Files.list(folder)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder(".deltasync", "notes.txt");
      }
    }
  }
}
