package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.store.DirectoryLogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two folders on one machine sync through a plain directory, with no server: the claims'
 * "differencing transmitter and receiver on the same device". Each device opens the store on its
 * own, as two processes would.
 */
class DirectoryStoreSyncTest {
  @TempDir Path base;

  @Test
  void twoFoldersSyncThroughADirectoryStore() throws IOException {
    Path storeDir = base.resolve("shared-drive/deltasync");
    try (DirectoryLogStore storeA = DirectoryLogStore.open(storeDir, "alice");
        DirectoryLogStore storeB = DirectoryLogStore.open(storeDir, "alice")) {
      Device a = new Device("laptop", base, storeA);
      Device b = new Device("desktop", base, storeB);
      byte[] photo = new byte[1_500_000];
      new Random(3).nextBytes(photo);
      a.write("photos/2026/beach.jpg", photo);
      a.write("notes.txt", "first");
      Files.createDirectories(a.folder.resolve("empty"));
      a.sync();
      b.sync();
      assertThat(b.tree()).isEqualTo(a.tree());

      b.write("notes.txt", "second");
      Files.move(b.folder.resolve("photos/2026/beach.jpg"), b.folder.resolve("photos/beach.jpg"));
      b.sync();
      a.write("todo.txt", "concurrent");
      a.sync();
      b.sync();
      assertThat(a.tree()).isEqualTo(b.tree());
      assertThat(a.read("notes.txt")).isEqualTo("second");
      assertThat(a.exists("photos/beach.jpg")).isTrue();
      assertThat(b.read("todo.txt")).isEqualTo("concurrent");
    }
    try (DirectoryLogStore store = DirectoryLogStore.open(storeDir, "alice")) {
      assertThat(store.head("docs")).isEqualTo(3);
    }
  }

  @Test
  void aDeviceThatReopensTheStoreLaterCatchesUp() throws IOException {
    Path storeDir = base.resolve("store");
    Device a;
    try (DirectoryLogStore store = DirectoryLogStore.open(storeDir, "alice")) {
      a = new Device("laptop", base, store);
      for (int i = 0; i < 5; i++) {
        a.write("day-" + i + ".txt", "entry " + i);
        a.sync();
      }
    }
    try (DirectoryLogStore store = DirectoryLogStore.open(storeDir, "alice")) {
      Device late = new Device("tablet", base, store);
      assertThat(late.sync().applied()).isEqualTo(5);
      assertThat(late.tree()).isEqualTo(a.tree());
    }
  }
}
