package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** syncfs stands in for fsyncs only where it promises as much, and works where it does. */
class FileSystemSyncTest {
  @TempDir Path dir;

  @Test
  void syncfsIsUsedOnlyOnLinux58OrLaterWithJdk22OrLaterOnALocalDiskFileSystem() {
    assertThat(FileSystemSync.SyncFs.whyNot("Linux", "6.18.44-fc-v657", 25, "ext4")).isNull();
    assertThat(FileSystemSync.SyncFs.whyNot("Linux", "5.17.0", 22, "xfs")).isNull();
    assertThat(FileSystemSync.SyncFs.whyNot("Linux", "6.1.0-28-amd64", 25, "btrfs")).isNull();
    assertThat(FileSystemSync.SyncFs.whyNot("Linux", "5.15.0-91-generic", 25, "ext4"))
        .as("a failed journal commit not reported by syncfs before 5.17")
        .contains("older than 5.17");
    assertThat(FileSystemSync.SyncFs.whyNot("Linux", "4.19.0", 25, "ext4"))
        .contains("older than 5.17");
    assertThat(FileSystemSync.SyncFs.whyNot("Linux", "6.1", 21, "ext4")).contains("JDK 21");
    assertThat(FileSystemSync.SyncFs.whyNot("Mac OS X", "14.2", 25, "apfs")).isEqualTo("not Linux");
    assertThat(FileSystemSync.SyncFs.whyNot("Linux", "unknown", 25, "ext4"))
        .contains("not understood");
    for (String remote : new String[] {"nfs", "nfs4", "cifs", "fuse.sshfs", "fuseblk", "overlay"}) {
      assertThat(FileSystemSync.SyncFs.whyNot("Linux", "6.1.0", 25, remote))
          .as(remote)
          .isEqualTo("file system type " + remote);
    }
  }

  @Test
  void whereSyncfsCanBeUsedItSyncsTheFileSystemUntilClosed() throws IOException {
    String type = Files.getFileStore(dir).type();
    String why =
        FileSystemSync.SyncFs.whyNot(
            System.getProperty("os.name"),
            System.getProperty("os.version"),
            Runtime.version().feature(),
            type);
    assumeTrue(why == null, "syncfs is not used here: " + why);
    Files.writeString(dir.resolve("new.txt"), "to be made durable");
    FileSystemSync sync = FileSystemSync.of(dir);
    assertThat(sync)
        .as("the JDK's foreign function API reaches syncfs (native access is enabled in tests)")
        .isInstanceOf(FileSystemSync.SyncFs.class);
    assertThat(sync.sync()).isTrue();
    assertThat(sync.sync()).as("again").isTrue();
    sync.close();
    assertThat(sync.sync()).as("closed").isFalse();
    sync.close(); // twice is harmless
  }

  @Test
  void deltasyncFsyncEachSetTo1FsyncsEachFileWhereSyncfsCouldBeUsed() throws IOException {
    try (FileSystemSync usual = FileSystemSync.of(dir, name -> null)) {
      assumeTrue(usual instanceof FileSystemSync.SyncFs, "syncfs is not used here");
    }
    assertThat(FileSystemSync.of(dir, name -> name.equals("DELTASYNC_FSYNC_EACH") ? "1" : null))
        .isSameAs(FileSystemSync.NONE);
    try (FileSystemSync other =
        FileSystemSync.of(dir, name -> name.equals("DELTASYNC_FSYNC_EACH") ? "0" : null)) {
      assertThat(other).as("only 1 turns it on").isInstanceOf(FileSystemSync.SyncFs.class);
    }
  }

  @Test
  void aDirectoryOnAnotherFileSystemIsNotCovered() throws IOException {
    Path shm = Path.of("/dev/shm");
    assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm here");
    Object here = Files.getAttribute(dir, "unix:dev");
    assumeTrue(!here.equals(Files.getAttribute(shm, "unix:dev")), "/dev/shm is this file system");
    Files.createDirectories(dir.resolve("sub/deeper"));
    try (FileSystemSync sync = FileSystemSync.of(dir)) {
      assumeTrue(sync instanceof FileSystemSync.SyncFs, "syncfs is not used here");
      assertThat(sync.covers(dir)).isTrue();
      assertThat(sync.covers(dir.resolve("sub/deeper"))).isTrue();
      assertThat(sync.covers(shm)).as("another file system").isFalse();
      assertThat(sync.covers(dir.resolve("missing"))).as("cannot tell").isFalse();
    }
  }

  @Test
  void aFolderWhoseFileSystemCannotBeReadIsSyncedFileByFile() {
    assertThat(FileSystemSync.of(dir.resolve("missing"))).isSameAs(FileSystemSync.NONE);
    assertThat(FileSystemSync.NONE.sync()).isFalse();
    assertThat(FileSystemSync.NONE.covers(dir)).isFalse();
  }
}
