package dev.deltasync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.store.AppendResult;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogEntry;
import dev.deltasync.engine.store.StoreException;
import dev.deltasync.engine.store.StoredChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every method of {@link HttpLogStore} against a real server. */
class HttpLogStoreTest {
  private static final AtomicInteger COLLECTIONS = new AtomicInteger();

  @TempDir static Path data;
  static TestServer server;
  static String user;
  static ServerClient client;
  static HttpLogStore store;

  /** This test's collection, so that tests sharing the user do not meet. */
  String docs;

  @BeforeAll
  static void startServer() throws IOException {
    server = TestServer.start(data);
    user = server.newUser();
    client = server.device(user, "laptop");
    store = HttpLogStore.open(client);
  }

  @AfterAll
  static void stopServer() throws IOException {
    store.close();
    client.close();
    server.close();
  }

  @BeforeEach
  void collection() {
    docs = "docs-" + COLLECTIONS.incrementAndGet();
  }

  @Test
  void openLearnsTheUserAndStorageUrl() {
    assertThat(store.user()).isEqualTo(user);
    assertThat(store.storage()).isEqualTo(server.url());
  }

  @Test
  void anUnknownCollectionHasHeadZeroAndNoLogs() throws IOException {
    assertThat(store.head("nothing")).isZero();
    assertThat(store.list("nothing", 0, 100)).isEmpty();
  }

  @Test
  void appendsGetSequencesWithoutGaps() throws IOException {
    for (int i = 1; i <= 3; i++) {
      assertThat(store.append(docs, i - 1, TestLogs.log(user, docs)))
          .isEqualTo(new AppendResult.Appended(i, false));
    }
    assertThat(store.head(docs)).isEqualTo(3);
  }

  @Test
  void appendingALogAgainIsADuplicateWhateverTheExpectedHead() throws IOException {
    ByteString id = TestLogs.newLogId();
    byte[] log = TestLogs.log(user, docs, id);
    store.append(docs, 0, log);
    store.append(docs, 1, TestLogs.log(user, docs));
    assertThat(store.append(docs, 0, log)).isEqualTo(new AppendResult.Appended(1, true));
    assertThat(store.append(docs, 7, log)).isEqualTo(new AppendResult.Appended(1, true));
    assertThat(store.head(docs)).isEqualTo(2);
  }

  @Test
  void anAppendAtAStaleHeadSaysWhereTheHeadIs() throws IOException {
    store.append(docs, 0, TestLogs.log(user, docs));
    store.append(docs, 1, TestLogs.log(user, docs));
    assertThat(store.append(docs, 1, TestLogs.log(user, docs)))
        .isEqualTo(new AppendResult.HeadMoved(2));
  }

  @Test
  void anInvalidLogIsRejectedWithTheServersReason() throws IOException {
    assertThatThrownBy(() -> store.append(docs, 0, new byte[] {1, 2, 3, 4}))
        .isInstanceOf(StoreException.Rejected.class)
        .hasMessageContaining("collection \"" + docs + "\"")
        .hasMessageContaining("not valid")
        .hasMessageContaining("HTTP 400");
    assertThatThrownBy(() -> store.append(docs, 0, TestLogs.log("mallory", docs)))
        .isInstanceOf(StoreException.Rejected.class)
        .hasMessageContaining("another user");
    assertThatThrownBy(() -> store.append(docs, 0, TestLogs.log(user, "photos")))
        .isInstanceOf(StoreException.Rejected.class)
        .hasMessageContaining("\"photos\"");
    assertThat(store.head(docs)).isZero();
  }

  @Test
  void listGivesTheLogsAfterASequenceInOrder() throws IOException {
    List<ByteString> ids = new ArrayList<>();
    List<byte[]> logs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(TestLogs.newLogId());
      logs.add(TestLogs.log(user, docs, ids.get(i)));
      store.append(docs, i, logs.get(i));
    }
    List<LogEntry> all = store.list(docs, 0, 100);
    assertThat(all).extracting(LogEntry::sequence).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(all).extracting(LogEntry::logId).containsExactlyElementsOf(ids);
    assertThat(all.get(0).originDevice()).isEqualTo("laptop");
    assertThat(all.get(0).createdMillis()).isEqualTo(1_795_000_000_000L);
    assertThat(all.get(0).size()).isEqualTo(logs.get(0).length);
    assertThat(store.list(docs, 2, 2)).extracting(LogEntry::sequence).containsExactly(3L, 4L);
    assertThat(store.list(docs, 5, 10)).isEmpty();
  }

  @Test
  void readGivesSmallAndBigLogsExactlyAsAppended() throws IOException {
    byte[] small = TestLogs.log(user, docs);
    byte[] big = TestLogs.bigLog(user, docs, 700 * 1024); // kept as a blob by the server
    store.append(docs, 0, small);
    store.append(docs, 1, big);
    assertThat(store.read(docs, 1)).isEqualTo(small);
    assertThat(store.read(docs, 2)).isEqualTo(big);
  }

  @Test
  void readingALogThatIsNotThereIsNotFound() throws IOException {
    store.append(docs, 0, TestLogs.log(user, docs));
    assertThatThrownBy(() -> store.read(docs, 2))
        .isInstanceOf(StoreException.NotFound.class)
        .hasMessageContaining("no log 2");
    assertThatThrownBy(() -> store.read("elsewhere", 1))
        .isInstanceOf(StoreException.NotFound.class);
  }

  @Test
  void collectionNamesWithSlashesSpacesAndUnicodeAreOneName() throws IOException {
    String user = server.newUser();
    try (ServerClient client = server.device(user, "laptop");
        HttpLogStore store = HttpLogStore.open(client)) {
      namesAreOneName(user, client, store);
    }
  }

  private static void namesAreOneName(String user, ServerClient client, HttpLogStore store)
      throws IOException {
    List<String> names =
        List.of("a/b", "a/b/", "/leading", "with space", "ünïcødé 日本 ✓", "100%?#&=+;", "..", ".");
    for (String name : names) {
      byte[] log = TestLogs.log(user, name);
      assertThat(store.append(name, 0, log))
          .as(name)
          .isEqualTo(new AppendResult.Appended(1, false));
      assertThat(store.head(name)).as(name).isEqualTo(1);
      assertThat(store.list(name, 0, 10)).as(name).hasSize(1);
      assertThat(store.read(name, 1)).as(name).isEqualTo(log);
    }
    assertThat(store.head("a")).isZero();
    assertThat(client.heads()).containsOnlyKeys(names);
  }

  @Test
  void missingChunksAsksInBatchesAndNamesOnlyWhatIsMissing() throws IOException {
    List<StoredChunk> stored = TestLogs.chunks(3, 100, 200);
    store.putPack(stored);
    List<ChunkId> ids = new ArrayList<>();
    for (int i = 0; i < 25_000; i++) {
      ids.add(ChunkId.sha256(ByteBuffer.allocate(4).putInt(i).array()));
    }
    stored.forEach(c -> ids.add(12_345, c.id()));
    Set<ChunkId> missing = store.missingChunks(ids);
    assertThat(missing).hasSize(25_000).doesNotContainAnyElementsOf(ids(stored));
    assertThat(store.missingChunks(ids(stored))).isEmpty();
    assertThat(store.missingChunks(List.of())).isEmpty();
  }

  @Test
  void everyChunkOfAPackCanBeReadInAnyOrder() throws IOException {
    List<StoredChunk> chunks = new ArrayList<>(TestLogs.chunks(300, 1, 8 * 1024));
    chunks.add(TestLogs.compressibleChunk(100_000));
    store.putPack(chunks);
    assertThat(store.missingChunks(ids(chunks))).isEmpty();
    for (StoredChunk chunk : chunks) {
      assertThat(store.readChunk(chunk.id())).isEqualTo(chunk.data());
    }
    try (HttpLogStore fresh = HttpLogStore.open(client)) {
      List<StoredChunk> shuffled = new ArrayList<>(chunks);
      Collections.shuffle(shuffled);
      for (StoredChunk chunk : shuffled) {
        assertThat(fresh.readChunk(chunk.id())).isEqualTo(chunk.data());
      }
    }
  }

  @Test
  void chunksOfManyPacksAreReadFromTheRightPack() throws IOException {
    List<StoredChunk> all = new ArrayList<>();
    for (int pack = 0; pack < 4; pack++) {
      List<StoredChunk> chunks = TestLogs.chunks(40, 1000, 30_000);
      store.putPack(chunks);
      all.addAll(chunks);
    }
    try (HttpLogStore fresh = HttpLogStore.open(client)) {
      for (int i = all.size() - 1; i >= 0; i -= 3) {
        assertThat(fresh.readChunk(all.get(i).id())).isEqualTo(all.get(i).data());
      }
      for (StoredChunk chunk : all) {
        assertThat(fresh.readChunk(chunk.id())).isEqualTo(chunk.data());
      }
    }
  }

  @Test
  void aChunkListedTwiceIsStoredOnce() throws IOException {
    StoredChunk chunk = TestLogs.chunks(1, 500, 500).get(0);
    store.putPack(List.of(chunk, chunk));
    assertThat(store.readChunk(chunk.id())).isEqualTo(chunk.data());
    store.putPack(List.of());
  }

  @Test
  void aChunkWhoseDataDoesNotMatchItsIdIsRejected() throws IOException {
    StoredChunk good = TestLogs.chunks(1, 500, 500).get(0);
    StoredChunk bad = new StoredChunk(good.id(), TestLogs.randomBytes(500));
    assertThatThrownBy(() -> store.putPack(List.of(bad)))
        .isInstanceOf(StoreException.Rejected.class)
        .hasMessageContaining(good.id().toHex());
    assertThat(store.missingChunks(List.of(good.id()))).containsExactly(good.id());
  }

  @Test
  void aChunkTheServerDoesNotHoldIsNotFound() throws IOException {
    store.putPack(TestLogs.chunks(2, 100, 100));
    ChunkId absent = ChunkId.sha256(new byte[] {42});
    assertThatThrownBy(() -> store.readChunk(absent))
        .isInstanceOf(StoreException.NotFound.class)
        .hasMessageContaining(absent.toHex());
  }

  @Test
  void aChunkOfAnotherUserIsNotFound() throws IOException {
    StoredChunk chunk = TestLogs.chunks(1, 300, 300).get(0);
    store.putPack(List.of(chunk));
    String other = server.newUser();
    store.append(docs, 0, TestLogs.log(user, docs));
    try (ServerClient otherClient = server.device(other, "phone");
        HttpLogStore otherStore = HttpLogStore.open(otherClient)) {
      assertThat(otherStore.missingChunks(List.of(chunk.id()))).containsExactly(chunk.id());
      assertThatThrownBy(() -> otherStore.readChunk(chunk.id()))
          .isInstanceOf(StoreException.NotFound.class);
      assertThat(otherStore.head(docs)).isZero();
      assertThat(otherStore.list(docs, 0, 10)).isEmpty();
      assertThatThrownBy(() -> otherStore.read(docs, 1))
          .isInstanceOf(StoreException.NotFound.class);
    }
  }

  @Test
  void aChunkWhosePackWasDamagedOnTheServerIsCorrupt() throws IOException {
    StoredChunk chunk = TestLogs.chunks(1, 5000, 5000).get(0); // random: stored as it is
    Set<Path> before = packFiles();
    store.putPack(List.of(chunk));
    Set<Path> added = packFiles();
    added.removeAll(before);
    assertThat(added).hasSize(1);
    try (FileChannel file = FileChannel.open(added.iterator().next(), StandardOpenOption.WRITE)) {
      file.write(ByteBuffer.wrap(new byte[] {0x55, 0x55, 0x55}), 16 + 100);
    }
    try (HttpLogStore fresh = HttpLogStore.open(client)) {
      assertThatThrownBy(() -> fresh.readChunk(chunk.id()))
          .isInstanceOf(StoreException.Corrupt.class)
          .hasMessageContaining(chunk.id().toHex())
          .hasMessageContaining("damaged");
    }
  }

  @Test
  void aBigPackGoesUpInPartsThroughAResumableUpload() throws IOException {
    ClientOptions small = server.options().withUploads(64 * 1024, 100 * 1024);
    try (ServerClient partClient = server.device(user, "desktop", small);
        HttpLogStore parts = HttpLogStore.open(partClient)) {
      List<StoredChunk> chunks = TestLogs.chunks(40, 20_000, 40_000);
      parts.putPack(chunks);
      assertThat(store.missingChunks(ids(chunks))).isEmpty();
      for (StoredChunk chunk : chunks) {
        assertThat(store.readChunk(chunk.id())).isEqualTo(chunk.data());
      }
    }
  }

  private static List<ChunkId> ids(List<StoredChunk> chunks) {
    return chunks.stream().map(StoredChunk::id).toList();
  }

  private static Set<Path> packFiles() throws IOException {
    try (Stream<Path> files = Files.walk(data)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".dspack"))
          .collect(Collectors.toSet());
    }
  }
}
