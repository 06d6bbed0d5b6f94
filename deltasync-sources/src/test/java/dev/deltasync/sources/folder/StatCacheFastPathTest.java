package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.ForwardingScanContext;
import dev.deltasync.engine.ForwardingSource;
import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.testkit.InMemoryLogStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan's fast path for files whose stat the snapshot caches ({@link ScanContext#unchanged}):
 * unchanged files are neither looked up one by one nor read, and what the stat cannot show (a
 * chmod, a rename in case only) still takes the usual path.
 */
class StatCacheFastPathTest {
  private static final FileTime LONG_AGO = FileTime.fromMillis(1_600_000_000_000L);

  @TempDir Path base;
  private InMemoryLogStore store;
  private Path folder;

  @BeforeEach
  void setUp() throws IOException {
    store = new InMemoryLogStore("alice");
    folder = Files.createDirectories(base.resolve("folder"));
  }

  @Test
  void unchangedFilesAreFoundWithoutALookUpOrARead() throws IOException {
    for (int i = 0; i < 48; i++) {
      old(write("f" + i + ".txt", "content " + i));
    }
    old(write("café Ñandú.txt", "non-ASCII names hash the same from the database's bytes"));
    old(write("日本語.txt", "and from the file system's"));
    sync(new Counts()); // first sync: every file read, stats cached (the mtimes are old)

    Counts second = new Counts();
    SyncResult result = sync(second);

    assertThat(result.sent()).isZero();
    assertThat(second.unchanged).isEqualTo(50);
    assertThat(second.previous).as("per-file snapshot look-ups").isZero();
    assertThat(second.found).as("files reported the slow way").isZero();
    assertThat(second.content).as("chunks read").isZero();
  }

  @Test
  void aChmodThatKeepsSizeAndMtimeIsStillSent() throws IOException {
    Path script = write("tool.sh", "#!/bin/sh\necho hi\n");
    old(script);
    sync(new Counts());

    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Counts counts = new Counts();
    SyncResult result = sync(counts);

    assertThat(result.sent()).isEqualTo(1);
    assertThat(counts.unchanged).isZero();
    SyncResult again = sync(new Counts());
    assertThat(again.sent()).as("the new mode is the snapshot's now").isZero();
  }

  @Test
  void anEditThatKeepsSizeAndMtimeButNotTheInodeIsRead() throws IOException {
    Path file = write("photo.meta", "AAAA");
    old(file);
    sync(new Counts());

    Path replacement = write("photo.meta.new", "BBBB");
    old(replacement);
    Files.move(replacement, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Counts counts = new Counts();
    SyncResult result = sync(counts);

    assertThat(result.sent()).isEqualTo(1);
    assertThat(counts.content).isPositive();
  }

  @Test
  void aRenameInCaseOnlyIsAMoveNotAnUnchangedFile() throws IOException {
    old(write("Notes.txt", "one"));
    sync(new Counts());
    Files.move(folder.resolve("Notes.txt"), folder.resolve("notes.txt"));
    Counts counts = new Counts();
    SyncResult result = sync(counts);
    assertThat(counts.unchanged).isZero();
    assertThat(result.sent()).isEqualTo(1);
  }

  @Test
  void aSecondNameOfASyncedFilesPathKeyIsReportedAndTheSyncedFileKeepsItsItem() throws IOException {
    String composed = "caf\u00e9.txt"; // NFC
    String decomposed = "cafe\u0301.txt"; // NFD: the same path key, another name on Linux
    // Either spelling synced first, the other one added later: the decomposed name sorts first.
    for (String[] names : new String[][] {{composed, decomposed}, {decomposed, composed}}) {
      String synced = names[0];
      String added = names[1];
      Path sub =
          Files.createDirectories(folder.resolve("dir-" + (synced.equals(composed) ? 1 : 2)));
      old(Files.writeString(sub.resolve(synced), "synced"));
      sync(new Counts());
      old(Files.writeString(sub.resolve(added), "newcomer"));

      Counts counts = new Counts();
      SyncResult result = sync(counts);

      assertThat(result.sent()).as("nothing of the newcomer replaces the synced file").isZero();
      assertThat(counts.unchanged).as("the synced file, by the fast path").isPositive();
      String prefix = "'" + sub.getFileName() + "/";
      assertThat(result.warnings())
          .anyMatch(w -> w.startsWith(prefix + added + "' is not synced"))
          .noneMatch(w -> w.startsWith(prefix + synced + "'"));
    }
  }

  @Test
  void addsDeletesAndMovesAmongUnchangedFilesAreAllSent() throws IOException {
    for (int i = 0; i < 30; i++) {
      Path file = folder.resolve("d" + (i % 3) + "/f" + i + ".txt");
      Files.createDirectories(file.getParent());
      old(Files.writeString(file, "content " + i));
    }
    sync(new Counts());
    Files.delete(folder.resolve("d0/f0.txt"));
    Files.move(folder.resolve("d1/f1.txt"), folder.resolve("d2/f1-moved.txt"));
    old(write("d0/new.txt", "new"));
    Counts counts = new Counts();
    SyncResult result = sync(counts);
    assertThat(counts.unchanged).isEqualTo(28);
    assertThat(result.sent()).as("a delete, a move and an add").isEqualTo(3);
    assertThat(sync(new Counts()).sent()).isZero();
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(folder.resolve(name), content);
  }

  private static void old(Path file) throws IOException {
    Files.setLastModifiedTime(file, LONG_AGO);
  }

  private SyncResult sync(Counts counts) throws IOException {
    try (SnapshotStore snapshot = SnapshotStore.open(base.resolve("home/docs.db"));
        FolderSource folderSource = FolderSource.open(folder);
        CountingSource source = new CountingSource(folderSource, counts)) {
      return new SyncOperation(SyncOptions.of("alice", "laptop", "docs", source, snapshot, store))
          .execute();
    }
  }

  /** What a scan asked and reported. */
  static final class Counts {
    int unchanged;
    int previous;
    int found;
    int content;
  }

  /** Counts the calls the folder source makes on its scan context. */
  static final class CountingSource extends ForwardingSource {
    private final Counts counts;

    CountingSource(FolderSource delegate, Counts counts) {
      super(delegate);
      this.counts = counts;
    }

    @Override
    public void scan(ScanContext context) throws IOException {
      super.scan(
          new ForwardingScanContext(context) {
            @Override
            public Optional<SnapshotEntry> previous(String pathKey) throws IOException {
              if (!pathKey.isEmpty()) {
                counts.previous++;
              }
              return super.previous(pathKey);
            }

            @Override
            public boolean unchanged(String pathKey, String path, FileStat stat, boolean executable)
                throws IOException {
              boolean unchanged = super.unchanged(pathKey, path, stat, executable);
              counts.unchanged += unchanged ? 1 : 0;
              return unchanged;
            }

            @Override
            public void found(SnapshotEntry item) throws IOException {
              if (!item.item().getPath().isEmpty()) {
                counts.found++;
              }
              super.found(item);
            }

            @Override
            public void content(ChunkId id, ByteBuffer data) throws IOException {
              counts.content++;
              super.content(id, data);
            }
          });
    }
  }
}
