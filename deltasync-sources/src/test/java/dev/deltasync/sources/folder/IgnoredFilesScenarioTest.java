package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogEntry;
import dev.deltasync.engine.store.StoredChunk;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogReader;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.DirectoryBody;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.LogHeader;
import dev.deltasync.testkit.FaultyLogStore;
import dev.deltasync.testkit.InMemoryLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices with {@code .deltasyncignore} files: what is ignored stays where it is, rule files stay
 * on their device, and a directory deleted elsewhere that holds ignored files here is kept for them
 * without coming back anywhere.
 */
class IgnoredFilesScenarioTest {
  @TempDir Path base;
  InMemoryLogStore store;
  Device a;
  Device b;
  Device c;

  @BeforeEach
  void devices() {
    store = new InMemoryLogStore("alice");
    a = new Device("laptop", base, store);
    b = new Device("desktop", base, store);
    c = new Device("phone", base, store);
  }

  @Test
  void ignoredPathsAreNeitherSentNorDeletedNorWritten() throws IOException {
    a.write(".deltasyncignore", "*.tmp\nbuild/\n");
    b.write(".deltasyncignore", "*.tmp\nbuild/\n");
    a.write("keep.txt", "synced");
    a.write("scratch.tmp", "local only");
    a.write("build/out.o", "local only");
    a.sync();
    b.sync();
    assertThat(b.exists("keep.txt")).isTrue();
    assertThat(b.exists("scratch.tmp")).isFalse();
    assertThat(b.exists("build")).isFalse();
    b.write("build/other.o", "b's own");
    b.sync();
    a.sync();
    assertThat(a.exists("build/other.o")).isFalse();
    assertThat(a.read("build/out.o")).isEqualTo("local only");
  }

  @Test
  void ruleFilesStayOnTheirDevice() throws IOException {
    a.write(".deltasyncignore", "*.log\n");
    a.write("docs/.deltasyncignore", "draft*\n");
    a.write("docs/draft1.txt", "a's draft");
    a.write("docs/final.txt", "final");
    a.write("x.log", "a's log");
    assertThat(a.sync().sent()).as("docs and docs/final.txt").isEqualTo(2);
    b.sync();
    assertThat(b.tree()).containsOnlyKeys("docs", "docs/final.txt");

    b.write("x.log", "b's log"); // b has no rules: its log and draft are synced
    b.write("docs/draft2.txt", "b's draft");
    assertThat(b.sync().sent()).isEqualTo(2);
    a.sync();
    assertThat(a.read("x.log")).as("ignored on a: not written").isEqualTo("a's log");
    assertThat(a.exists("docs/draft2.txt")).isFalse();
    assertThat(a.read("docs/.deltasyncignore")).isEqualTo("draft*\n");
    c.sync();
    assertThat(c.tree()).containsOnlyKeys("docs", "docs/final.txt", "docs/draft2.txt", "x.log");
  }

  @Test
  void nestedRuleFilesApplyBelowTheirDirectoryAndDeeperOnesWin() throws IOException {
    a.write(".deltasyncignore", "*.o\n");
    a.write("src/.deltasyncignore", "!keep.o\n/generated/\n");
    a.write("top.o", "ignored by the root's rules");
    a.write("src/main.c", "int main;");
    a.write("src/keep.o", "kept by src's rules");
    a.write("src/lib/keep.o", "kept at any depth below src");
    a.write("src/lib/other.o", "ignored by the root's rules");
    a.write("src/generated/x.c", "ignored: anchored at src");
    a.write("generated/y.c", "not ignored: the rule is anchored at src");
    a.sync();
    b.sync();
    assertThat(b.tree())
        .containsOnlyKeys(
            "generated",
            "generated/y.c",
            "src",
            "src/keep.o",
            "src/lib",
            "src/lib/keep.o",
            "src/main.c");
  }

  @Test
  void aRuleFileInAnIgnoredDirectoryIsNotRead() throws IOException {
    a.write(".deltasyncignore", "cache/\n");
    a.write("cache/.deltasyncignore", "!*\n");
    a.write("cache/data.bin", "local");
    a.write("notes.txt", "synced");
    a.sync();
    b.sync();
    assertThat(b.tree()).containsOnlyKeys("notes.txt");
  }

  @Test
  void aDirectoryDeletedElsewhereKeepsItsIgnoredFilesHereAndStaysDeletedEverywhere()
      throws IOException {
    createProjectWithIgnoredBuildOutputOnB();
    deleteEverywhere(a, "project");
    long afterDelete = store.head("docs");

    SyncResult applied = b.sync();
    assertThat(applied.applied()).as("project, main.c, lib, lib/util.c").isEqualTo(4);
    assertThat(b.tree())
        .containsOnlyKeys(
            ".deltasyncignore",
            "other.txt",
            "project",
            "project/main.o",
            "project/lib",
            "project/lib/util.o");
    c.sync();
    for (int round = 0; round < 2; round++) {
      for (Device device : List.of(a, b, c)) {
        assertThat(device.sync().sent()).as("%s sends nothing", device.name).isZero();
      }
    }
    assertThat(pathsChangedAfter(afterDelete)).isEmpty();
    assertThat(a.exists("project")).isFalse();
    assertThat(c.exists("project")).isFalse();
    assertThat(b.read("project/lib/util.o")).isEqualTo("b's build output");
  }

  @Test
  void aKeptDirectoryComesBackWhenSomethingToSyncIsPutInIt() throws IOException {
    createProjectWithIgnoredBuildOutputOnB();
    deleteEverywhere(a, "project");
    b.sync();
    b.write("project/new.c", "written after the delete");
    assertThat(b.sync().sent()).as("project and project/new.c").isEqualTo(2);
    a.sync();
    c.sync();
    assertThat(a.tree()).containsOnlyKeys("other.txt", "project", "project/new.c");
    assertThat(c.tree()).isEqualTo(a.tree());
    assertThat(b.exists("project/lib/util.o")).isTrue();
    assertThat(b.sync().sent()).as("project/lib still holds only ignored files").isZero();
  }

  @Test
  void aKeptDirectoryIsDeletedOnceItsIgnoredFilesAreGone() throws IOException {
    createProjectWithIgnoredBuildOutputOnB();
    deleteEverywhere(a, "project");
    b.sync();
    Files.delete(b.folder.resolve("project/main.o"));
    Files.delete(b.folder.resolve("project/lib/util.o"));
    long head = store.head("docs");
    assertThat(b.sync().sent()).isZero();
    assertThat(b.exists("project")).isFalse();
    assertThat(store.head("docs")).isEqualTo(head);
  }

  @Test
  void aKeptDirectoryKeepsItsOwnRuleFileAndWhatItIgnores() throws IOException {
    a.write("project/main.c", "int main;");
    a.sync();
    b.sync();
    b.write("project/.deltasyncignore", "node_modules/\n");
    b.write("project/node_modules/dep/index.js", "b's dependency");
    assertThat(b.sync().sent()).isZero();
    deleteEverywhere(a, "project");
    b.sync();
    assertThat(b.tree())
        .containsOnlyKeys(
            "project",
            "project/.deltasyncignore",
            "project/node_modules",
            "project/node_modules/dep",
            "project/node_modules/dep/index.js");
    assertThat(b.sync().sent()).as("the dependencies stay ignored").isZero();
    a.sync();
    assertThat(a.tree()).isEmpty();
  }

  @Test
  void temporaryFilesLeftInADirectoryDoNotKeepIt() throws IOException {
    a.write("d/x.txt", "x");
    a.write("other.txt", "stays");
    a.sync();
    b.sync();
    b.write("d/.deltasync-tmp-left-by-a-crash", "half a file");
    deleteEverywhere(a, "d");
    b.sync();
    assertThat(b.exists("d")).isFalse();
  }

  @Test
  void aDirectoryDeletedElsewhereComesBackWhenAFileInItWasCreatedHere() throws IOException {
    a.write("d/x.txt", "x");
    a.write("other.txt", "stays");
    a.sync();
    b.sync();
    b.write(".deltasyncignore", "*.o\n");
    b.write("d/x.o", "b's build output");
    b.write("d/new.txt", "created on b meanwhile");
    deleteEverywhere(a, "d");
    b.sync();
    a.sync();
    assertThat(a.tree()).containsOnlyKeys("d", "d/new.txt", "other.txt");
    assertThat(b.tree())
        .containsOnlyKeys(".deltasyncignore", "d", "d/new.txt", "d/x.o", "other.txt");
  }

  @Test
  void aCrashRightAfterADirectoryWasKeptStillConverges() throws IOException {
    FaultyLogStore faulty = new FaultyLogStore(store);
    Device crashing = new Device("desktop", base, faulty);
    createProjectWithIgnoredBuildOutputOnB();
    deleteEverywhere(a, "project");
    crashing.write("from-b.txt", "pushed, then the sync crashes before its commit");
    faulty.failAt(FaultyLogStore.Point.AFTER_APPEND, 1);
    try {
      crashing.sync();
    } catch (FaultyLogStore.InjectedFault expected) {
      // the snapshot still lists project; the folder keeps it already
    }
    long head = store.head("docs");
    assertThat(crashing.sync().sent()).isZero();
    assertThat(pathsChangedAfter(head)).isEmpty();
    a.sync();
    c.sync();
    assertThat(a.tree()).containsOnlyKeys("other.txt", "from-b.txt");
    assertThat(c.tree()).isEqualTo(a.tree());
    assertThat(b.read("project/main.o")).isEqualTo("b's build output");
    assertThat(b.sync().sent()).isZero();
  }

  @Test
  void aKeptDirectoryCreatedAgainElsewhereIsSyncedAgainAndCanBeKeptAgain() throws IOException {
    createProjectWithIgnoredBuildOutputOnB();
    deleteEverywhere(a, "project");
    b.sync();
    a.write("project/readme.txt", "a new project with the old name");
    a.sync();
    b.sync();
    assertThat(b.read("project/readme.txt")).isEqualTo("a new project with the old name");
    assertThat(b.sync().sent()).isZero();
    deleteEverywhere(a, "project");
    b.sync();
    assertThat(b.tree().keySet())
        .filteredOn(path -> path.startsWith("project"))
        .containsOnly("project", "project/main.o", "project/lib", "project/lib/util.o");
    long head = store.head("docs");
    b.sync();
    a.sync();
    assertThat(store.head("docs")).isEqualTo(head);
    assertThat(a.exists("project")).isFalse();
  }

  @Test
  void ruleFilesThatOlderVersionsSyncedAreNeitherWrittenNorDeleted() throws IOException {
    b.write(".deltasyncignore", "*.o\n");
    b.write("x.o", "b's own");
    b.sync();
    appendFromAnOlderVersion(
        List.of(
            addFile("old-root-rules", ".deltasyncignore", "*\n"),
            addDirectory("old-sub", "sub"),
            addFile("old-sub-rules", "sub/.deltasyncignore", "*\n"),
            addFile("old-notes", "sub/notes.txt", "synced")));
    SyncResult got = b.sync();
    assertThat(got.applied()).as("sub and sub/notes.txt").isEqualTo(2);
    assertThat(b.tree())
        .containsOnlyKeys(".deltasyncignore", "x.o", "sub", "sub/notes.txt")
        .containsEntry(".deltasyncignore", "*.o\n");
    assertThat(b.sync().sent()).isZero();
  }

  /**
   * project/main.c and project/lib/util.c on every device, and other.txt; on b (whose rules ignore
   * {@code *.o}) also project/main.o and project/lib/util.o.
   */
  private void createProjectWithIgnoredBuildOutputOnB() throws IOException {
    a.write("project/main.c", "int main;");
    a.write("project/lib/util.c", "int util;");
    a.write("other.txt", "stays");
    a.sync();
    b.sync();
    c.sync();
    b.write(".deltasyncignore", "*.o\n");
    b.write("project/main.o", "b's build output");
    b.write("project/lib/util.o", "b's build output");
    assertThat(b.sync().sent()).isZero();
  }

  /** Deletes {@code path} with all in it on {@code device}, and syncs. */
  private static void deleteEverywhere(Device device, String path) throws IOException {
    device.deleteTree(path);
    device.sync(o -> o.withAllowMassDelete(true)); // most of these small trees
  }

  /** The paths of every change in the logs after {@code sequence}. */
  private List<String> pathsChangedAfter(long sequence) throws IOException {
    List<String> paths = new ArrayList<>();
    for (LogEntry entry : store.list("docs", sequence, Integer.MAX_VALUE)) {
      for (Change change : ChangeLogReader.decode(store.read("docs", entry.sequence())).changes()) {
        paths.add(change.getType() + " " + change.getPath());
      }
    }
    return paths;
  }

  private Change addFile(String id, String path, String text) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    ChunkId chunk = ChunkId.sha256(data);
    store.putPack(List.of(new StoredChunk(chunk, data)));
    FileBody body =
        FileBody.newBuilder()
            .setSize(data.length)
            .setMode(0644)
            .addChunks(ChunkRef.newBuilder().setId(chunk.toByteString()).setLength(data.length))
            .build();
    Item item =
        Item.newBuilder().setId(id).setKind(ItemKind.KIND_FILE).setPath(path).setFile(body).build();
    return add(item);
  }

  private static Change addDirectory(String id, String path) {
    return add(
        Item.newBuilder()
            .setId(id)
            .setKind(ItemKind.KIND_DIRECTORY)
            .setPath(path)
            .setDirectory(DirectoryBody.newBuilder().setMode(0755))
            .build());
  }

  private static Change add(Item item) {
    return Change.newBuilder()
        .setType(ChangeType.CHANGE_ADD)
        .setItemId(item.getId())
        .setKind(item.getKind())
        .setPath(item.getPath())
        .setNewVersion(ItemVersions.of(item))
        .setItem(item)
        .build();
  }

  /** Appends a log as a device of a version that synced rule files would have written it. */
  private void appendFromAnOlderVersion(List<Change> changes) throws IOException {
    byte[] logId = new byte[16];
    logId[0] = (byte) (store.head("docs") + 1);
    LogHeader header =
        LogHeader.newBuilder()
            .setUser("alice")
            .setCollection("docs")
            .setOriginDevice("old-laptop")
            .setLogId(ByteString.copyFrom(logId))
            .setBaseSequence(store.head("docs"))
            .setCompression(Compression.COMPRESSION_ZSTD)
            .build();
    byte[] encoded = ChangeLogWriter.encode(new ChangeLog(header, changes, List.of()));
    store.append("docs", store.head("docs"), encoded);
  }
}
