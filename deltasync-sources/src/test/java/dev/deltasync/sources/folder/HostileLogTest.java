package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.SyncException;
import dev.deltasync.engine.store.AppendResult;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.StoredChunk;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.LogHeader;
import dev.deltasync.format.v1.SymlinkBody;
import dev.deltasync.testkit.InMemoryLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A log that would write where it must not is refused whole: nothing of it is applied. */
class HostileLogTest {
  @TempDir Path base;
  InMemoryLogStore store;
  Device victim;

  @BeforeEach
  void setUp() throws IOException {
    store = new InMemoryLogStore("alice");
    victim = new Device("victim", base, store);
    victim.write("keep.txt", "mine");
    Files.createDirectories(base.resolve("outside"));
    Files.createSymbolicLink(victim.folder.resolve("escape"), base.resolve("outside"));
    victim.sync();
  }

  /** Appends a log from device "mallory" that adds a harmless file, then a file at {@code path}. */
  void appendEvil(String path) throws IOException {
    FileBody body = storedContent();
    appendFromMallory(
        List.of(add("harmless-id", "harmless.txt", body), add("evil-id", path, body)));
  }

  /** Puts a small content chunk in the store and returns a file body made of it. */
  FileBody storedContent() throws IOException {
    byte[] data = "pwned".getBytes(StandardCharsets.UTF_8);
    ChunkId id = ChunkId.sha256(data);
    store.putPack(List.of(new StoredChunk(id, data)));
    return FileBody.newBuilder()
        .setSize(data.length)
        .setMode(0644)
        .addChunks(ChunkRef.newBuilder().setId(id.toByteString()).setLength(data.length))
        .build();
  }

  void appendFromMallory(List<Change> changes) throws IOException {
    byte[] logId = new byte[16];
    logId[0] = (byte) (store.head("docs") + 1);
    LogHeader header =
        LogHeader.newBuilder()
            .setUser("alice")
            .setCollection("docs")
            .setOriginDevice("mallory")
            .setLogId(ByteString.copyFrom(logId))
            .setBaseSequence(store.head("docs"))
            .setCompression(Compression.COMPRESSION_ZSTD)
            .build();
    AppendResult result =
        store.append(
            "docs",
            store.head("docs"),
            ChangeLogWriter.encode(new ChangeLog(header, changes, List.of())));
    assertThat(result).isInstanceOf(AppendResult.Appended.class);
  }

  static Change add(String id, String path, FileBody body) {
    Item item =
        Item.newBuilder().setId(id).setKind(ItemKind.KIND_FILE).setPath(path).setFile(body).build();
    return Change.newBuilder()
        .setType(ChangeType.CHANGE_ADD)
        .setItemId(id)
        .setKind(ItemKind.KIND_FILE)
        .setPath(path)
        .setNewVersion(ItemVersions.of(item))
        .setItem(item)
        .build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {".deltasync", "sub/.deltasync-tmp-123", "escape/payload.txt", "escape/deeper/x"})
  void aLogWritingWhereItMustNotIsRefusedWhole(String path) throws IOException {
    appendEvil(path);
    assertThatThrownBy(() -> victim.sync())
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("from device 'mallory' is refused and nothing of it was applied")
        .hasMessageContaining("'" + path + "'");
    assertThat(victim.exists("harmless.txt")).as("nothing of the log is applied").isFalse();
    assertThat(Files.list(base.resolve("outside"))).isEmpty();
    assertThat(victim.read("keep.txt")).isEqualTo("mine");
  }

  @Test
  void aLogCannotWriteThroughASymlinkItCreatesItself() throws IOException {
    Item link =
        Item.newBuilder()
            .setId("link-id")
            .setKind(ItemKind.KIND_SYMLINK)
            .setPath("d")
            .setSymlink(SymlinkBody.newBuilder().setTarget(base.resolve("outside").toString()))
            .build();
    Change addLink =
        Change.newBuilder()
            .setType(ChangeType.CHANGE_ADD)
            .setItemId("link-id")
            .setKind(ItemKind.KIND_SYMLINK)
            .setPath("d")
            .setNewVersion(ItemVersions.of(link))
            .setItem(link)
            .build();
    appendFromMallory(List.of(addLink, add("x-id", "d/x", storedContent())));
    assertThatThrownBy(() -> victim.sync())
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("goes through the symbolic link d the same log makes");
    assertThat(victim.exists("d")).isFalse();
    assertThat(Files.list(base.resolve("outside"))).isEmpty();
  }
}
