package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.SyncException;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.testkit.InMemoryLogStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two and three devices syncing folders through one store. */
class FolderSyncScenarioTest {
  @TempDir Path base;
  InMemoryLogStore store;
  Device a;
  Device b;

  @BeforeEach
  void devices() {
    store = new InMemoryLogStore("alice");
    a = new Device("laptop", base, store);
    b = new Device("desktop", base, store);
  }

  @Test
  void createdFilesAndDirectoriesReachTheOtherDevice() throws IOException {
    a.write("notes/todo.txt", "buy milk");
    a.write("README", "hello");
    Files.createDirectories(a.folder.resolve("empty/inside"));
    SyncResult sent = a.sync();
    assertThat(sent.sent()).isEqualTo(5);
    SyncResult got = b.sync();
    assertThat(got.applied()).isEqualTo(5);
    assertThat(b.tree()).isEqualTo(a.tree());
    assertThat(b.read("notes/todo.txt")).isEqualTo("buy milk");
  }

  @Test
  void aSecondSyncWithNothingChangedSendsNothing() throws IOException {
    a.write("x", "1");
    a.sync();
    SyncResult again = a.sync();
    assertThat(again.sent()).isZero();
    assertThat(again.bytesUp()).isZero();
    assertThat(store.head("docs")).isEqualTo(1);
  }

  @Test
  void editsAndDeletesPropagate() throws IOException {
    a.write("a.txt", "one");
    a.write("b.txt", "two");
    a.write("c.txt", "three");
    a.sync();
    b.sync();
    b.write("a.txt", "ONE");
    Files.delete(b.folder.resolve("b.txt"));
    b.sync();
    SyncResult got = a.sync();
    assertThat(got.applied()).isEqualTo(2);
    assertThat(a.read("a.txt")).isEqualTo("ONE");
    assertThat(a.exists("b.txt")).isFalse();
    assertThat(a.tree()).isEqualTo(b.tree());
  }

  @Test
  void filesAlreadyOnBothDevicesBeforeTheirFirstSyncAreNotDownloaded() throws IOException {
    Random random = new Random(3);
    for (int i = 0; i < 20; i++) {
      byte[] photo = new byte[64 * 1024];
      random.nextBytes(photo);
      a.write("photos/p" + i + ".jpg", photo);
      b.write("photos/p" + i + ".jpg", photo);
    }
    a.sync();
    SyncResult got = b.sync();
    assertThat(got.conflicts()).isZero();
    assertThat(got.bytesDown()).as("the log, and no content").isLessThan(64 * 1024);
    assertThat(b.tree()).isEqualTo(a.tree());
  }

  @Test
  void renamedFileIsSentAsMoveWithoutContent() throws IOException {
    byte[] big = new byte[3 * 1024 * 1024];
    new Random(1).nextBytes(big);
    a.write("inbox/report.bin", big);
    a.sync();
    b.sync();
    Files.createDirectories(a.folder.resolve("archive"));
    Files.move(a.folder.resolve("inbox/report.bin"), a.folder.resolve("archive/report.bin"));
    SyncResult moved = a.sync();
    assertThat(moved.bytesUp()).as("a move carries no content").isLessThan(2000);
    SyncResult got = b.sync();
    assertThat(got.bytesDown()).isLessThan(2000);
    assertThat(b.tree()).isEqualTo(a.tree());
    assertThat(b.exists("inbox/report.bin")).isFalse();
  }

  @Test
  void aSmallEditInTheMiddleOfABigFileSendsASmallLog() throws IOException {
    byte[] big = new byte[200 * 1024 * 1024];
    new Random(2).nextBytes(big);
    Path file = a.write("disk.img", big);
    a.sync();
    b.sync();
    long before = store.logBytes("docs");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(big.length / 2);
      raf.write(0x42 ^ big[big.length / 2]);
    }
    SyncResult edit = a.sync();
    long logBytes = store.logBytes("docs") - before;
    assertThat(logBytes).as("the change log of a 1-byte edit").isLessThan(1024);
    assertThat(edit.bytesUp()).as("log plus the changed chunk").isLessThan(200 * 1024);
    SyncResult got = b.sync();
    assertThat(got.bytesDown()).isLessThan(200 * 1024);
    assertThat(b.tree()).isEqualTo(a.tree());
  }

  @Test
  void symlinksAreSyncedAsLinksAndNotFollowed() throws IOException {
    Files.createDirectories(a.folder);
    Files.createSymbolicLink(a.folder.resolve("latest"), Path.of("../somewhere/else"));
    a.sync();
    b.sync();
    assertThat(Files.isSymbolicLink(b.folder.resolve("latest"))).isTrue();
    assertThat(Files.readSymbolicLink(b.folder.resolve("latest")))
        .isEqualTo(Path.of("../somewhere/else"));
  }

  @Test
  void theExecutableBitTravels() throws IOException {
    Path script = a.write("run.sh", "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    a.sync();
    b.sync();
    assertThat(Files.isExecutable(b.folder.resolve("run.sh"))).isTrue();
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    a.sync();
    b.sync();
    assertThat(Files.isExecutable(b.folder.resolve("run.sh"))).isFalse();
  }

  @Test
  void aNewFileArrivesWithThePermissionsOfAFileCreatedThere() throws IOException {
    a.write("notes.txt", "n");
    a.sync();
    b.sync();
    Path probe = Files.createFile(base.resolve("probe")); // this process's umask, as deltasync's
    assertThat(Files.getPosixFilePermissions(b.folder.resolve("notes.txt")))
        .isEqualTo(Files.getPosixFilePermissions(probe));
    assertThat(Files.isExecutable(b.folder.resolve("notes.txt"))).isFalse();
  }

  @Test
  void concurrentEditsKeepBothVersions() throws IOException {
    a.write("plan.txt", "v1");
    a.sync();
    b.sync();
    a.write("plan.txt", "laptop's version");
    b.write("plan.txt", "desktop's version");
    a.sync();
    SyncResult conflict = b.sync();
    assertThat(conflict.conflicts()).isEqualTo(1);
    assertThat(conflict.conflictCopies())
        .singleElement()
        .asString()
        .startsWith("plan.conflict-laptop-")
        .endsWith(".txt");
    a.sync();
    assertThat(a.tree()).isEqualTo(b.tree());
    assertThat(a.tree().values()).contains("laptop's version", "desktop's version");
    assertThat(b.read("plan.txt")).isEqualTo("desktop's version");
  }

  @Test
  void anEditBeatsAConcurrentDelete() throws IOException {
    a.write("keep.txt", "v1");
    a.write("gone.txt", "v1");
    a.sync();
    b.sync();
    Files.delete(a.folder.resolve("keep.txt")); // deleted here, edited there
    b.write("keep.txt", "edited");
    a.write("gone.txt", "edited"); // edited here, deleted there
    Files.delete(b.folder.resolve("gone.txt"));
    a.sync();
    b.sync();
    a.sync();
    assertThat(a.tree()).isEqualTo(b.tree());
    assertThat(a.read("keep.txt")).isEqualTo("edited");
    assertThat(b.read("gone.txt")).isEqualTo("edited");
  }

  @Test
  void aFileArrivingInADirectoryDeletedHereBringsTheDirectoryBack() throws IOException {
    a.write("reports/old.txt", "old");
    a.sync();
    b.sync();
    Files.delete(b.folder.resolve("reports/old.txt")); // the directory deleted here...
    Files.delete(b.folder.resolve("reports"));
    a.write("reports/new.txt", "new"); // ...while a file was added to it there
    a.sync();
    b.sync();
    a.sync();
    assertThat(b.read("reports/new.txt")).isEqualTo("new");
    assertThat(a.read("reports/new.txt")).isEqualTo("new");
    assertThat(a.exists("reports/old.txt")).isFalse();
    assertThat(a.tree()).isEqualTo(b.tree());
    a.write("reports/later.txt", "later");
    a.sync();
    b.sync();
    assertThat(b.read("reports/later.txt"))
        .as("the directory is still an item on both devices")
        .isEqualTo("later");
  }

  @Test
  void bothCreatingTheSameNameKeepsBothFiles() throws IOException {
    a.write("new.txt", "from laptop");
    b.write("new.txt", "from desktop");
    a.sync();
    b.sync();
    a.sync();
    assertThat(a.tree()).isEqualTo(b.tree());
    assertThat(a.tree().values()).contains("from laptop", "from desktop");
  }

  @Test
  void threeDevicesAndALongOfflineDeviceConverge() throws IOException {
    Device c = new Device("phone", base, store);
    c.sync();
    for (int round = 0; round < 10; round++) {
      a.write("log/a-" + round, "a" + round);
      b.write("log/b-" + round, "b" + round);
      if (round > 0) {
        Files.delete(a.folder.resolve("log/a-" + (round - 1)));
      }
      a.sync();
      b.sync();
    }
    c.sync();
    a.sync();
    b.sync();
    Map<String, String> expected = a.tree();
    assertThat(b.tree()).isEqualTo(expected);
    assertThat(c.tree()).isEqualTo(expected);
    assertThat(expected).containsKey("log/a-9").doesNotContainKey("log/a-8").containsKey("log/b-0");
  }

  @Test
  void aFolderThatLooksEmptyIsNotPropagatedAsDeleteEverything() throws IOException {
    for (int i = 0; i < 10; i++) {
      a.write("f" + i, "x" + i);
    }
    a.sync();
    for (int i = 0; i < 10; i++) {
      Files.delete(a.folder.resolve("f" + i));
    }
    assertThatThrownBy(() -> a.sync())
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("would delete 10 of the 10 items")
        .hasMessageContaining("--allow-mass-delete");
    assertThat(store.head("docs")).isEqualTo(1);
    SyncResult forced = a.sync(o -> o.withAllowMassDelete(true));
    assertThat(forced.sent()).isEqualTo(10);
  }

  @Test
  void aMissingMarkerMeansAnUnmountedDiskAndNothingIsDeleted() throws IOException {
    a.write("f", "x");
    a.sync();
    b.sync();
    Files.delete(a.folder.resolve("f"));
    Files.delete(a.folder.resolve(".deltasync"));
    assertThatThrownBy(() -> a.sync())
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("has lost its .deltasync marker");
    b.sync();
    assertThat(b.exists("f")).isTrue();
  }

  @Test
  void twoDevicesWithTheSameNameDoNotTakeEachOthersLogsForTheirOwn() throws IOException {
    Device old = new Device("laptop", base.resolve("old"), store);
    Device reinstalled = new Device("laptop", base.resolve("new"), store);
    old.write("report.txt", "draft");
    old.sync();
    reinstalled.sync();
    assertThat(reinstalled.read("report.txt")).isEqualTo("draft");
    reinstalled.write("keep.txt", "new machine");
    reinstalled.sync();
    old.sync();
    assertThat(old.read("keep.txt")).isEqualTo("new machine");
    assertThat(old.tree()).isEqualTo(reinstalled.tree());
  }

  @Test
  void onlyTheExecutableBitOfTheModeIsSynced() throws IOException {
    Path secret = a.write("secret.txt", "psst");
    a.sync();
    b.sync();
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    SyncResult chmod = a.sync();
    assertThat(chmod.sent()).as("a permission change other than +x is local").isZero();
    Files.setPosixFilePermissions(
        b.folder.resolve("secret.txt"), PosixFilePermissions.fromString("rw-rw-r--"));
    assertThat(b.sync().sent()).isZero();
    assertThat(Files.getPosixFilePermissions(secret))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void theDeleteSafeguardCountsOnlyThisDevicesOwnDeletes() throws IOException {
    for (int i = 0; i < 10; i++) {
      a.write("f" + i, "x" + i);
    }
    a.sync();
    b.sync();
    for (int i = 0; i < 10; i++) {
      Files.delete(a.folder.resolve("f" + i));
    }
    a.sync(o -> o.withAllowMassDelete(true));
    SyncResult got = b.sync();
    assertThat(got.applied()).isEqualTo(10);
    assertThat(b.tree()).isEmpty();
  }

  @Test
  void anEditThatKeepsSizeAndMtimeIsNeverOverwrittenSilently() throws IOException {
    Path file = a.write("photo.meta", "AAAA");
    FileTime old = FileTime.fromMillis(1_600_000_000_000L);
    Files.setLastModifiedTime(file, old);
    a.sync();
    b.sync();
    Files.writeString(file, "BBBB"); // same size, and the old mtime put back (touch -r)
    Files.setLastModifiedTime(file, old);
    a.sync();
    b.write("photo.meta", "CCCC");
    b.sync();
    a.sync(); // finds its unsent edit before writing B's over it: B's goes to a conflict copy
    a.sync(); // and now sends its own
    b.sync();
    assertThat(a.tree()).isEqualTo(b.tree());
    assertThat(b.read("photo.meta")).isEqualTo("BBBB");
    assertThat(a.tree().values()).contains("BBBB", "CCCC");
  }

  @Test
  void namesThatDifferOnlyInUnicodeNormalizationAreReportedNotMixedUp() throws IOException {
    a.write("Caf\u00e9.txt", "composed");
    a.write("Cafe\u0301.txt", "decomposed");
    SyncResult result = a.sync();
    assertThat(result.warnings())
        .singleElement()
        .asString()
        .contains("is not synced")
        .contains("Unicode normalization");
    b.sync();
    assertThat(b.tree()).hasSize(1);
  }

  @Test
  void aBigFirstSyncIsSentInSeveralLogs() throws IOException {
    int count = 250;
    for (int i = 0; i < count; i++) {
      Files.createDirectories(a.folder.resolve(String.format("d%03d/e%05d", i % 100, i)));
    }
    SyncResult sent = a.sync(o -> o.withMaxChangesPerLog(100));
    assertThat(sent.sent()).isEqualTo(count + 100);
    assertThat(store.head("docs")).isEqualTo(4);
    SyncResult got = b.sync();
    assertThat(got.applied()).isEqualTo(count + 100);
    assertThat(b.tree()).hasSize(count + 100);
  }
}
