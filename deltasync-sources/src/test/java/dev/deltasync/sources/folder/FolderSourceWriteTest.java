package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.SyncException;
import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.sources.records.RecordingScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writes into a folder are whole or not at all, and never clobber local changes. */
class FolderSourceWriteTest {
  @TempDir Path dir;

  final Map<ChunkId, byte[]> chunks = new HashMap<>();

  Item file(String path, String... parts) {
    FileBody.Builder body = FileBody.newBuilder().setMode(0644);
    long size = 0;
    for (String part : parts) {
      byte[] data = part.getBytes(StandardCharsets.UTF_8);
      ChunkId id = ChunkId.sha256(data);
      chunks.put(id, data);
      body.addChunks(ChunkRef.newBuilder().setId(id.toByteString()).setLength(data.length));
      size += data.length;
    }
    return Item.newBuilder()
        .setId("id-" + path)
        .setKind(ItemKind.KIND_FILE)
        .setPath(path)
        .setFile(body.setSize(size))
        .build();
  }

  ContentReader stored() {
    return id -> java.util.Objects.requireNonNull(chunks.get(id), "test chunk " + id);
  }

  SnapshotEntry entry(FolderSource source, Item item, @Nullable FileStat stat) {
    return new SnapshotEntry(item, ItemVersions.of(item), source.pathKey(item.getPath()), stat);
  }

  @Test
  void aCrashDuringAWriteLeavesTheOldContentAndNoTemporaryFile() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      Item old = file("report.txt", "old content");
      ApplyResult first = source.put(null, old, stored());
      assertThat(first).isInstanceOf(ApplyResult.Applied.class);
      SnapshotEntry expected = entry(source, old, ((ApplyResult.Applied) first).stat());

      Item updated = file("report.txt", "new part one, ", "new part two");
      int[] calls = {0};
      ContentReader crashing =
          id -> {
            if (++calls[0] == 2) {
              throw new IOException("connection lost mid-file");
            }
            return stored().chunk(id);
          };
      assertThatThrownBy(() -> source.put(expected, updated, crashing))
          .hasMessage("connection lost mid-file");
      assertThat(Files.readString(dir.resolve("report.txt"))).isEqualTo("old content");
      assertThat(namesIn(dir)).containsExactlyInAnyOrder("report.txt");
      ApplyResult second = source.put(expected, updated, stored());
      assertThat(second).isInstanceOf(ApplyResult.Applied.class);
      assertThat(Files.readString(dir.resolve("report.txt")))
          .isEqualTo("new part one, new part two");
    }
  }

  @Test
  void aFileChangedSinceTheScanIsNotOverwritten() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      Item old = file("plan.txt", "v1");
      ApplyResult first = source.put(null, old, stored());
      source.flush();
      SnapshotEntry expected = entry(source, old, ((ApplyResult.Applied) first).stat());
      Files.writeString(dir.resolve("plan.txt"), "edited by the user just now");
      ApplyResult result = source.put(expected, file("plan.txt", "v2 from elsewhere"), stored());
      assertThat(result)
          .isEqualTo(
              new ApplyResult.LocalChanged(
                  ApplyResult.Reason.CHANGED, "plan.txt was changed locally"));
      assertThat(Files.readString(dir.resolve("plan.txt")))
          .isEqualTo("edited by the user just now");
      assertThat(source.remove(expected)).isInstanceOf(ApplyResult.LocalChanged.class);
      assertThat(dir.resolve("plan.txt")).exists();
    }
  }

  @Test
  void nothingIsWrittenOverAnUnknownLocalFile() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      Files.writeString(dir.resolve("mine.txt"), "local");
      ApplyResult result = source.put(null, file("mine.txt", "remote"), stored());
      assertThat(result).isInstanceOf(ApplyResult.LocalChanged.class);
      assertThat(((ApplyResult.LocalChanged) result).reason())
          .isEqualTo(ApplyResult.Reason.PATH_TAKEN);
      assertThat(Files.readString(dir.resolve("mine.txt"))).isEqualTo("local");
      assertThat(source.put(null, file("mine.txt", "local"), stored()))
          .as("an identical local file counts as written")
          .isInstanceOf(ApplyResult.Applied.class);
    }
  }

  @Test
  void pathKeysFollowTheFileSystem() {
    PathKeys sensitive = new PathKeys(false);
    PathKeys insensitive = new PathKeys(true);
    String nfd = "Cafe\u0301/Notes.txt";
    String nfc = "Caf\u00e9/Notes.txt";
    assertThat(sensitive.of(nfd)).isEqualTo(sensitive.of(nfc));
    assertThat(sensitive.of("README")).isNotEqualTo(sensitive.of("readme"));
    assertThat(insensitive.of("README")).isEqualTo(insensitive.of("readme"));
    assertThat(insensitive.of(nfd)).isEqualTo(insensitive.of("CAF\u00c9/notes.TXT"));
  }

  @Test
  void theSourcesOwnFilesAreNeverWrittenRemotely() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      for (String path : List.of(".deltasync", ".deltasync-kept", "a/.deltasync-tmp-x")) {
        assertThat(source.refuse(path)).isEqualTo("names one of deltasync's own files");
      }
      assertThat(source.refuse("a/b.txt")).isNull();
    }
  }

  @Test
  void temporaryFilesLeftByACrashAreNeverSyncedAndOldOnesAreRemoved() throws IOException {
    dev.deltasync.testkit.InMemoryLogStore store =
        new dev.deltasync.testkit.InMemoryLogStore("alice");
    Device device = new Device("laptop", dir, store);
    Path old = device.write(".deltasync-tmp-crashed", "half a file");
    Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
    Path fresh = device.write("sub/.deltasync-tmp-writing-now", "being written");
    device.write("real.txt", "content");
    assertThat(device.sync().sent()).as("only real.txt and sub").isEqualTo(2);
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
  }

  @Test
  void aFileTheUserCreatesWhileANewOneIsWrittenIsNotReplaced() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      ContentReader userWritesMeanwhile =
          id -> {
            Files.writeString(dir.resolve("race.txt"), "the user's");
            return stored().chunk(id);
          };
      // A new file is held back until the checkpoint: the race shows there, and fails the log.
      ApplyResult result = source.put(null, file("race.txt", "remote"), userWritesMeanwhile);
      assertThat(result).isInstanceOf(ApplyResult.Applied.class);
      assertThatThrownBy(source::checkpoint)
          .isInstanceOf(SyncException.class)
          .hasMessageContaining("race.txt")
          .hasMessageContaining("Sync again");
      assertThat(Files.readString(dir.resolve("race.txt"))).isEqualTo("the user's");
      assertThat(namesIn(dir)).containsExactly("race.txt");
    }
  }

  @Test
  void aNewFileBecomesVisibleAtTheCheckpointWithTheStatPutReturned() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      ApplyResult result = source.put(null, file("new.txt", "fresh"), stored());
      assertThat(dir.resolve("new.txt")).as("held back until the checkpoint").doesNotExist();
      source.checkpoint();
      assertThat(Files.readString(dir.resolve("new.txt"))).isEqualTo("fresh");
      assertThat(FileReader.stat(FileReader.attributes(dir.resolve("new.txt"))))
          .isEqualTo(((ApplyResult.Applied) result).stat());
      assertThat(namesIn(dir)).containsExactly("new.txt");
    }
  }

  /**
   * A sync of the whole file system that says it synced (the real one is tested in {@link
   * FileSystemSyncTest}), or none: each file fsynced.
   */
  static Function<Path, FileSystemSync> fileSystems(boolean wholeSync) {
    return wholeSync ? root -> new RecordingSync(root) : root -> FileSystemSync.NONE;
  }

  @ParameterizedTest(name = "whole file system synced where it can: {0}")
  @ValueSource(booleans = {true, false})
  void manyNewFilesArePublishedInBatchesAndAllArriveIntact(boolean wholeSync) throws IOException {
    int count = FileWriter.HELD_FILES * 2 + 7;
    try (FolderSource source = FolderSource.open(dir, fileSystems(wholeSync))) {
      for (int i = 0; i < count; i++) {
        source.put(null, file("d" + (i % 5) + "/f" + i + ".txt", "content " + i), stored());
        if (i == 2 * FileWriter.HELD_FILES - 1) {
          // A full batch is published in the background; the next full one waits for it.
          assertThat(dir.resolve("d0/f0.txt")).as("the first batch is published").exists();
        } else if (i == 2 * FileWriter.HELD_FILES) {
          String next = "d" + (i % 5) + "/f" + i + ".txt";
          assertThat(dir.resolve(next)).as("the next batch is held").doesNotExist();
        }
      }
      source.flush();
    }
    for (int i = 0; i < count; i++) {
      assertThat(Files.readString(dir.resolve("d" + (i % 5) + "/f" + i + ".txt")))
          .isEqualTo("content " + i);
    }
    for (int d = 0; d < 5; d++) {
      assertThat(namesIn(dir.resolve("d" + d))).allMatch(name -> name.startsWith("f"));
    }
  }

  @Test
  void aPlaceTakenWhileABatchIsPublishedInTheBackgroundFailsTheNextCheckpoint() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      source.put(null, file("taken.txt", "remote"), stored());
      Files.writeString(dir.resolve("taken.txt"), "local"); // after the check, before the publish
      for (int i = 1; i < FileWriter.HELD_FILES; i++) {
        source.put(null, file("f" + i + ".txt", "content " + i), stored()); // the last fills it
      }
      assertThatThrownBy(source::checkpoint)
          .isInstanceOf(SyncException.class)
          .hasMessageContaining("1 new file(s) could not be put in place")
          .hasMessageContaining("taken.txt");
      assertThat(Files.readString(dir.resolve("taken.txt"))).isEqualTo("local");
      assertThat(Files.readString(dir.resolve("f1.txt"))).isEqualTo("content 1");
      source.checkpoint(); // the failure is told once; nothing is held any more
    }
    assertThat(namesIn(dir)).allMatch(name -> name.equals("taken.txt") || name.startsWith("f"));
  }

  @Test
  void aSyncInterruptedWhileABatchIsPublishedLeavesNoTempFilesAndKeepsItsInterrupt()
      throws IOException {
    FolderSource source = FolderSource.open(dir);
    try {
      for (int i = 0; i < FileWriter.HELD_FILES; i++) {
        source.put(null, file("f" + i + ".txt", "content " + i), stored()); // the last fills it
      }
      Thread.currentThread().interrupt();
      try {
        source.checkpoint(); // interrupted while the batch is in flight, or done already
      } catch (java.io.InterruptedIOException expected) {
        // the batch is still in flight: close waits for it
      }
    } finally {
      source.close();
    }
    assertThat(Thread.interrupted()).as("close keeps the interrupt").isTrue();
    assertThat(namesIn(dir)).allMatch(name -> name.startsWith("f"));
    for (String name : namesIn(dir)) {
      assertThat(Files.readString(dir.resolve(name))).startsWith("content ");
    }
  }

  @Test
  void theTempFilesOfASyncStoppedWhileItWroteAreRemovedByTheNextScanWhateverTheirAge()
      throws IOException {
    FolderSource killed = FolderSource.open(dir); // never closed: the process was killed
    killed.put(null, file("new.txt", "held"), stored());
    assertThat(dir.resolve(ReservedNames.WRITING)).exists();
    Path young = dir.resolve(ReservedNames.TEMP_PREFIX + "of-the-killed-sync");
    Files.writeString(young, "a temp file written a moment ago");
    try (FolderSource next = FolderSource.open(dir)) {
      next.scan(new RecordingScan(true));
      assertThat(young).doesNotExist();
      assertThat(dir.resolve(ReservedNames.WRITING)).doesNotExist();
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .containsExactly(ReservedNames.MARKER);
      }
    }
  }

  @Test
  void aYoungTempFileIsKeptWhenNoSyncWasStoppedWhileItWrote() throws IOException {
    Path young = dir.resolve(ReservedNames.TEMP_PREFIX + "of-another-writer");
    Files.writeString(young, "being written");
    try (FolderSource source = FolderSource.open(dir)) {
      source.scan(new RecordingScan(true));
    }
    assertThat(young).exists(); // removed when an hour old
  }

  @Test
  void newFilesHeldWhenTheSourceClosesAreDropped() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      source.put(null, file("never.txt", "of a sync that failed"), stored());
    }
    assertThat(namesIn(dir)).isEmpty(); // neither the file nor its temp file
  }

  @Test
  void newFilesHeldByASyncThatFailedAreDroppedWhenTheNextScanStarts() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      source.put(null, file("never.txt", "of a sync that failed"), stored());
      source.scan(new RecordingScan(true)); // the next sync, on the same source
      source.checkpoint();
      assertThat(namesIn(dir)).isEmpty();
    }
  }

  @Test
  void heldFilesArePublishedBeforeAnyOtherKindOfWrite() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      Item old = file("old.txt", "v1");
      SnapshotEntry expected = entry(source, old, put(source, old));
      source.put(null, file("new.txt", "held"), stored());
      assertThat(dir.resolve("new.txt")).doesNotExist();
      source.put(expected, file("old.txt", "v2"), stored()); // a replace: not held
      assertThat(Files.readString(dir.resolve("new.txt"))).isEqualTo("held");

      source.put(null, file("another.txt", "held too"), stored());
      SnapshotEntry v2 = entry(source, file("old.txt", "v2"), statOf("old.txt"));
      source.remove(v2);
      assertThat(Files.readString(dir.resolve("another.txt"))).isEqualTo("held too");
    }
  }

  @ParameterizedTest(name = "whole file system synced where it can: {0}")
  @ValueSource(booleans = {true, false})
  void aHeldFileWhoseDirectoryWentAwayFailsTheCheckpointAndTheRestArePublished(boolean wholeSync)
      throws IOException {
    try (FolderSource source = FolderSource.open(dir, fileSystems(wholeSync))) {
      source.put(null, file("photos/one.jpg", "1"), stored());
      source.put(null, file("other/two.jpg", "2"), stored());
      // The user moves the directory away while the sync runs.
      Files.move(dir.resolve("photos"), dir.resolve("pictures"));
      assertThatThrownBy(source::checkpoint)
          .isInstanceOf(SyncException.class)
          .hasMessageContaining("photos/one.jpg")
          .hasMessageContaining("Sync again");
      assertThat(Files.readString(dir.resolve("other/two.jpg"))).isEqualTo("2");
      // Only the temp file went along (a later scan removes it); nothing was published there.
      assertThat(namesIn(dir.resolve("pictures")))
          .allMatch(name -> name.startsWith(ReservedNames.TEMP_PREFIX));
    }
  }

  /**
   * A sync of the file system that says it synced and records what was visible in the folder's root
   * at each call. {@code elsewhere}: directories it does not cover (another file system).
   */
  static final class RecordingSync implements FileSystemSync {
    final Path root;
    final Set<Path> elsewhere;
    final List<List<String>> visibleAtEachSync = new ArrayList<>();
    final List<Integer> tempFilesAtEachSync = new ArrayList<>();
    final List<String> tempFilesWhenOpened;
    boolean closed;

    RecordingSync(Path root, Path... elsewhere) {
      this.root = root;
      this.elsewhere = Set.of(elsewhere);
      this.tempFilesWhenOpened = temps(namesIn(root));
    }

    private static List<String> temps(List<String> names) { // namesIn leaves out WRITING
      return names.stream().filter(name -> name.startsWith(ReservedNames.TEMP_PREFIX)).toList();
    }

    @Override
    public boolean covers(Path directory) {
      return !elsewhere.contains(directory);
    }

    @Override
    public boolean sync() {
      List<String> names = namesIn(root);
      visibleAtEachSync.add(
          names.stream()
              .filter(name -> !name.startsWith(ReservedNames.TEMP_PREFIX))
              .sorted()
              .toList());
      tempFilesAtEachSync.add(temps(names).size());
      return true;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void newFilesAreMadeDurableByOneSyncOfTheFileSystemBeforeTheyAreLinkedAndOneAfter()
      throws IOException {
    List<RecordingSync> opened = new ArrayList<>();
    Function<Path, FileSystemSync> open =
        root -> {
          RecordingSync sync = new RecordingSync(root);
          opened.add(sync);
          return sync;
        };
    try (FolderSource source = FolderSource.open(dir, open)) {
      source.put(null, file("a.txt", "one"), stored());
      source.put(null, file("b.txt", "two"), stored());
      source.put(null, file("c.txt", "three"), stored());
      assertThat(opened).hasSize(1);
      RecordingSync recording = opened.get(0);
      assertThat(recording.visibleAtEachSync).as("nothing synced while held").isEmpty();
      source.checkpoint();
      assertThat(recording.visibleAtEachSync)
          .as("the temp files synced while none is visible, then their directory once linked")
          .containsExactly(List.of(), List.of("a.txt", "b.txt", "c.txt"));
      assertThat(recording.tempFilesAtEachSync).containsExactly(3, 0);
      assertThat(recording.tempFilesWhenOpened).as("opened before the first write").isEmpty();
      assertThat(recording.closed).isFalse();
    }
    assertThat(opened).hasSize(1);
    assertThat(opened.get(0).closed).as("closed with the source").isTrue();
    assertThat(Files.readString(dir.resolve("b.txt"))).isEqualTo("two");
  }

  @Test
  void aBatchWithANewFileOnAnotherFileSystemIsNotLeftToTheSyncOfTheFoldersFileSystem()
      throws IOException {
    Files.createDirectories(dir.resolve("mounted"));
    List<RecordingSync> opened = new ArrayList<>();
    Function<Path, FileSystemSync> open =
        root -> {
          RecordingSync sync = new RecordingSync(root, root.resolve("mounted"));
          opened.add(sync);
          return sync;
        };
    try (FolderSource source = FolderSource.open(dir, open)) {
      source.put(null, file("a.txt", "one"), stored());
      source.put(null, file("mounted/b.txt", "two"), stored());
      source.checkpoint();
      assertThat(opened.get(0).visibleAtEachSync)
          .as("each file and directory of that batch fsynced instead")
          .isEmpty();
      source.put(null, file("c.txt", "three"), stored());
      source.checkpoint();
      assertThat(opened.get(0).visibleAtEachSync)
          .as("a batch all on the folder's file system is synced with it")
          .hasSize(2);
    }
    assertThat(Files.readString(dir.resolve("mounted/b.txt"))).isEqualTo("two");
    assertThat(Files.readString(dir.resolve("a.txt"))).isEqualTo("one");
  }

  private FileStat put(FolderSource source, Item item) throws IOException {
    source.put(null, item, stored());
    source.checkpoint();
    return statOf(item.getPath());
  }

  private FileStat statOf(String path) throws IOException {
    return FileReader.stat(FileReader.attributes(dir.resolve(path)));
  }

  /** The names in a directory, without the folder's marker. */
  private static List<String> namesIn(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(p -> p.getFileName().toString())
          // the folder's marker, and the one a sync keeps there while it writes
          .filter(name -> !name.equals(ReservedNames.MARKER) && !name.equals(ReservedNames.WRITING))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aFileTheUserEditsWhileItsNewVersionIsWrittenKeepsTheUsersEdit() throws IOException {
    try (FolderSource source = FolderSource.open(dir)) {
      Item old = file("race.txt", "v1");
      ApplyResult first = source.put(null, old, stored());
      SnapshotEntry expected = entry(source, old, ((ApplyResult.Applied) first).stat());
      ContentReader userEditsMeanwhile =
          id -> {
            Files.writeString(dir.resolve("race.txt"), "the user's edit");
            return stored().chunk(id);
          };
      ApplyResult result = source.put(expected, file("race.txt", "v2"), userEditsMeanwhile);
      assertThat(result).isInstanceOf(ApplyResult.LocalChanged.class);
      assertThat(Files.readString(dir.resolve("race.txt"))).isEqualTo("the user's edit");
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(
                files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".deltasync-tmp"))
                    .filter(n -> !n.equals(ReservedNames.WRITING))) // the sync's, not a write's
            .isEmpty();
      }
    }
  }
}
