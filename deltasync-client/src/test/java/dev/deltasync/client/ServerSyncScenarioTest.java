package dev.deltasync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.SyncResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three folders, each with its own home, syncing through a real server with the engine's {@link
 * dev.deltasync.engine.SyncOperation} over {@link HttpLogStore}.
 */
class ServerSyncScenarioTest {
  /** A collection name that needs percent-encoding in every URL. */
  static final String COLLECTION = "Documents/Ünïcode notes";

  @TempDir static Path serverData;
  static TestServer server;

  @TempDir Path base;
  ServerDevice a;
  ServerDevice b;
  ServerDevice c;

  @BeforeAll
  static void startServer() throws IOException {
    server = TestServer.start(serverData);
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @BeforeEach
  void devices() throws IOException {
    String user = server.newUser();
    a = new ServerDevice("laptop", COLLECTION, base, server.device(user, "laptop"));
    b = new ServerDevice("desktop", COLLECTION, base, server.device(user, "desktop"));
    c = new ServerDevice("phone", COLLECTION, base, server.device(user, "phone"));
  }

  @AfterEach
  void closeDevices() {
    a.close();
    b.close();
    c.close();
  }

  /** Every device syncs twice, in turn: enough for every change to reach every device. */
  private void syncAll() throws IOException {
    for (int round = 0; round < 2; round++) {
      a.sync();
      b.sync();
      c.sync();
    }
  }

  private void assertConverged() throws IOException {
    Map<String, String> expected = a.tree();
    assertThat(b.tree()).isEqualTo(expected);
    assertThat(c.tree()).isEqualTo(expected);
  }

  @Test
  void createsEditsDeletesAndRenamesReachEveryDevice() throws IOException {
    a.write("notes/todo.txt", "buy milk");
    a.write("notes/ideas.txt", "sync everything");
    a.write("README", "hello");
    Files.createDirectories(a.folder.resolve("empty/inside"));
    SyncResult sent = a.sync();
    assertThat(sent.sent()).isEqualTo(6);
    assertThat(b.sync().applied()).isEqualTo(6);
    assertThat(c.sync().applied()).isEqualTo(6);
    assertConverged();

    b.write("notes/todo.txt", "buy oat milk");
    b.delete("README");
    c.write("from-phone.txt", "sent from my phone");
    b.sync();
    c.sync();
    syncAll();
    assertConverged();

    c.move("notes", "archive/notes-2026");
    c.sync();
    syncAll();
    assertConverged();
    assertThat(a.read("archive/notes-2026/todo.txt")).isEqualTo("buy oat milk");
    assertThat(a.read("from-phone.txt")).isEqualTo("sent from my phone");
    assertThat(a.exists("README")).isFalse();
    assertThat(a.exists("notes")).isFalse();
    assertThat(a.tree()).containsEntry("empty/inside", "dir");
    assertThat(a.client.heads()).containsKey(COLLECTION);
  }

  @Test
  void concurrentEditsKeepBothVersionsOnEveryDevice() throws IOException {
    a.write("plan.txt", "v1");
    syncAll();
    a.write("plan.txt", "laptop's version");
    b.write("plan.txt", "desktop's version");
    c.write("plan.txt", "phone's version");
    a.sync();
    SyncResult conflict = b.sync();
    assertThat(conflict.conflicts()).isEqualTo(1);
    assertThat(conflict.conflictCopies())
        .singleElement()
        .asString()
        .startsWith("plan.conflict-laptop-")
        .endsWith(".txt");
    syncAll();
    assertConverged();
    assertThat(a.tree().values())
        .contains("laptop's version", "desktop's version", "phone's version");
  }

  @Test
  void anEditBeatsAConcurrentDelete() throws IOException {
    a.write("keep.txt", "v1");
    syncAll();
    a.delete("keep.txt");
    b.write("keep.txt", "edited on the desktop");
    a.sync();
    b.sync();
    syncAll();
    assertConverged();
    assertThat(c.read("keep.txt")).isEqualTo("edited on the desktop");
  }

  @Test
  void bigFilesTravelInPacksAndAMoveOrSmallEditSendsLittle() throws IOException {
    // The laptop uploads anything above 1 MiB in resumable parts of 512 KiB.
    String user = a.store.user();
    ServerDevice uploader =
        new ServerDevice(
            "workstation",
            COLLECTION,
            base,
            server.device(
                user, "workstation", server.options().withUploads(1024 * 1024, 512 * 1024)));
    try (uploader) {
      byte[] big = new byte[9 * 1024 * 1024];
      new Random(7).nextBytes(big);
      Path file = uploader.write("media/video.bin", big);
      uploader.write("media/small.txt", "tiny");
      SyncResult up = uploader.sync();
      assertThat(up.bytesUp()).isGreaterThan(big.length);
      SyncResult down = b.sync();
      assertThat(down.bytesDown()).isBetween((long) big.length, big.length + 200_000L);
      assertThat(b.tree()).isEqualTo(uploader.tree());

      uploader.move("media/video.bin", "archive/video.bin");
      assertThat(uploader.sync().bytesUp()).as("a move carries no content").isLessThan(4000);
      try (RandomAccessFile raf =
          new RandomAccessFile(uploader.folder.resolve("archive/video.bin").toFile(), "rw")) {
        raf.seek(big.length / 2);
        raf.write(big[big.length / 2] ^ 0x42);
      }
      assertThat(file).doesNotExist();
      assertThat(uploader.sync().bytesUp()).as("a 1-byte edit").isLessThan(200_000);
      syncAll();
      assertConverged();
      assertThat(b.tree()).isEqualTo(uploader.tree());
    }
  }

  @Test
  void aDeviceHoldingTheLeaseFencesTheOthersOut() throws IOException {
    a.write("shared.txt", "v1");
    syncAll();
    b.write("shared.txt", "desktop waits");
    Lease lease = a.client.acquireLease(COLLECTION, Duration.ofSeconds(30));
    try {
      assertThatThrownBy(b::sync)
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("another device holds the lease");
    } finally {
      a.client.releaseLease(lease);
    }
    a.write("laptop.txt", "laptop syncs under its lease");
    a.syncUnderLease();
    b.syncUnderLease();
    syncAll();
    assertConverged();
    assertThat(c.read("shared.txt")).isEqualTo("desktop waits");
    assertThat(c.read("laptop.txt")).isEqualTo("laptop syncs under its lease");
  }
}
