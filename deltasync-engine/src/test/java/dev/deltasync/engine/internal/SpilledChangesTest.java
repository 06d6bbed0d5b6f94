package dev.deltasync.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.ForwardingScanContext;
import dev.deltasync.engine.ForwardingSource;
import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.Source;
import dev.deltasync.engine.SyncException;
import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.Scratch;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.AppendResult;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.engine.store.LogEntry;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.engine.store.StoredChunk;
import dev.deltasync.format.ChangeLogReader;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync keeps its local changes, the agreed state it builds and the logs it lays out in a scratch
 * database beside the snapshot, not on the heap, and deletes it when it ends.
 */
class SpilledChangesTest {
  @TempDir Path dir;
  private LogStore store;
  private @Nullable Runnable beforeAppend;
  private final List<ChunkId> asked = new ArrayList<>();

  @BeforeEach
  void openStore() throws IOException {
    store = new WatchedStore(DirectoryLogStore.open(dir.resolve("store"), "alice"));
  }

  @Test
  void changesNotYetPushedWaitInTheScratchDatabaseWhichIsDeletedAfterTheCommit()
      throws IOException {
    Device a = new Device("a");
    for (int d = 0; d < 30; d++) {
      a.source.directory(String.format("d%02d", d));
    }
    for (int i = 0; i < 3000; i++) {
      a.source.file(String.format("d%02d/f%05d.txt", i % 30, i), "content " + i);
    }
    int items = 3030;
    int perLog = 250;
    List<long[]> atAppend = new ArrayList<>();
    beforeAppend = () -> atAppend.add(a.scratchRows());

    SyncResult result = a.sync(o -> o.withMaxChangesPerLog(perLog));

    assertThat(result.sent()).isEqualTo(items);
    assertThat(atAppend).hasSize(13); // 12 logs of 250 and one of 30
    for (int k = 0; k < atAppend.size(); k++) {
      assertThat(atAppend.get(k))
          .as("rows of pending and working at append %d", k)
          .containsExactly(items - (long) k * perLog, (long) k * perLog);
    }
    assertThat(a.snapshotSize()).isEqualTo(items);
    assertThat(a.scratch()).doesNotExist();

    Device b = new Device("b");
    beforeAppend = null;
    assertThat(b.sync().applied()).isEqualTo(items);
    assertThat(b.contents()).isEqualTo(a.contents());
    assertThat(b.scratch()).doesNotExist();
  }

  @Test
  void movesDeletesEditsAndAddsAreFoundThroughTheScratchTables() throws IOException {
    Device a = new Device("a");
    for (int i = 0; i < 400; i++) {
      a.source.file(String.format("f%04d.txt", i), "content " + i);
    }
    a.sync();
    Device b = new Device("b");
    b.sync();
    long cursor = store.head("docs");

    for (int i = 0; i < 100; i++) { // renamed
      a.source.items.put(
          String.format("g%04d.txt", i), a.source.items.remove(String.format("f%04d.txt", i)));
    }
    for (int i = 100; i < 150; i++) {
      a.source.items.remove(String.format("f%04d.txt", i));
    }
    for (int i = 150; i < 200; i++) {
      a.source.file(String.format("f%04d.txt", i), "edited " + i);
    }
    for (int i = 0; i < 50; i++) {
      a.source.file(String.format("h%04d.txt", i), "new " + i);
    }
    SyncResult result = a.sync(o -> o.withMaxChangesPerLog(7));

    assertThat(result.sent()).isEqualTo(250);
    Map<ChangeType, Integer> types = new TreeMap<>();
    for (Change change : changesAfter(cursor)) {
      types.merge(change.getType(), 1, Integer::sum);
    }
    assertThat(types)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ChangeType.CHANGE_MOVE, 100,
                ChangeType.CHANGE_DELETE, 50,
                ChangeType.CHANGE_MODIFY, 50,
                ChangeType.CHANGE_ADD, 50));
    b.sync();
    assertThat(b.contents()).isEqualTo(a.contents());
    assertThat(a.scratch()).doesNotExist();
    assertThat(b.scratch()).doesNotExist();
  }

  @Test
  void aDirectoryReplacedByAFileIsDeletedBeforeTheFileTakesItsName() throws IOException {
    Device a = new Device("a");
    a.source.directory("x");
    a.source.file("x/inner.txt", "inner");
    a.sync();
    Device b = new Device("b");
    b.sync();
    long cursor = store.head("docs");

    a.source.items.clear();
    a.source.file("x", "now a file");
    a.sync(o -> o.withAllowMassDelete(true));

    assertThat(changesAfter(cursor))
        .extracting(c -> c.getType() + " " + c.getKind() + " " + c.getPath())
        .containsExactly(
            "CHANGE_DELETE KIND_FILE x/inner.txt",
            "CHANGE_DELETE KIND_DIRECTORY x",
            "CHANGE_ADD KIND_FILE x");
    b.sync();
    assertThat(b.contents()).isEqualTo(a.contents()).containsOnlyKeys("x");
  }

  @Test
  void aSecondItemWithTheSameKeyIsReportedAndNotSynced() throws IOException {
    Device a = new Device("a");
    a.source.file("README.txt", "upper");
    a.source.file("Readme.txt", "mixed");

    SyncResult first = a.sync();
    SyncResult again = a.sync();

    assertThat(first.sent()).isEqualTo(1);
    assertThat(first.warnings()).singleElement().asString().contains("'Readme.txt' is not synced");
    assertThat(again.sent()).isZero();
    assertThat(again.warnings()).singleElement().asString().contains("'Readme.txt' is not synced");
  }

  @Test
  void theDeleteSafeguardCountsTheDeletesLaidOut() throws IOException {
    Device a = new Device("a");
    for (int i = 0; i < 10; i++) {
      a.source.file("f" + i, "content " + i);
    }
    a.sync();
    for (int i = 0; i < 6; i++) {
      a.source.items.remove("f" + i);
    }

    assertThatThrownBy(a::sync)
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("would delete 6 of the 10 items");
    assertThat(a.sync(o -> o.withAllowMassDelete(true)).sent()).isEqualTo(6);
    assertThat(a.snapshotSize()).isEqualTo(4);
  }

  @Test
  void aPushThatLosesTheRacePullsAndSendsWhatIsLeft() throws IOException {
    Device a = new Device("a");
    Device b = new Device("b");
    a.source.file("shared.txt", "from a");
    for (int i = 0; i < 20; i++) {
      a.source.file("a" + i, "a " + i);
      b.source.file("b" + i, "b " + i);
    }
    b.source.file("shared.txt", "from b");
    beforeAppend =
        () -> {
          beforeAppend = null;
          try {
            b.sync(o -> o.withMaxChangesPerLog(3)); // b pushes first
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        };

    SyncResult result = a.sync(o -> o.withMaxChangesPerLog(3));
    b.sync();

    assertThat(result.conflicts()).isEqualTo(1);
    assertThat(a.contents()).isEqualTo(b.contents()).hasSize(42);
    assertThat(a.scratch()).doesNotExist();
  }

  @Test
  void aSyncAsksTheStoreOnceAboutEachChunkItSent() throws IOException {
    Device a = new Device("a");
    for (int i = 0; i < 300; i++) {
      a.source.file("f" + i, "content " + (i % 200)); // 100 files share their content with others
    }

    a.sync(o -> o.withMaxChangesPerLog(50));

    // Asked before each pack is sent; not again before the logs that refer to them are pushed.
    assertThat(asked).hasSize(200).doesNotHaveDuplicates();
    Device b = new Device("b");
    assertThat(b.sync().applied()).isEqualTo(300);
    assertThat(b.contents()).isEqualTo(a.contents());
  }

  @Test
  void noLogIsPushedWhileTheStoreLacksAChunkItRefersTo() throws IOException {
    Device a = new Device("a");
    a.source.file("kept.txt", "kept");
    a.source.file("forgotten.txt", "never offered");
    a.forget = ChunkId.sha256("never offered".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(a::sync)
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("lacks 1 chunks")
        .hasMessageContaining(a.forget.toHex());
    assertThat(store.head("docs")).isZero();
  }

  private List<Change> changesAfter(long cursor) throws IOException {
    List<Change> changes = new ArrayList<>();
    for (LogEntry entry : store.list("docs", cursor, 1000)) {
      changes.addAll(ChangeLogReader.decode(store.read("docs", entry.sequence())).changes());
    }
    return changes;
  }

  /** A device: its source and its snapshot, synced with the shared store. */
  private final class Device {
    final String name;
    final MemorySource source = new MemorySource();

    /** Content the source finds but does not offer to the sync (null: none). */
    @Nullable ChunkId forget;

    final Path db;
    private int ids;
    private @Nullable SnapshotStore open;

    Device(String name) {
      this.name = name;
      this.db = dir.resolve(name + "-home/docs.snapshot.db");
    }

    SyncResult sync() throws IOException {
      return sync(UnaryOperator.identity());
    }

    SyncResult sync(UnaryOperator<SyncOptions> tweak) throws IOException {
      try (SnapshotStore snapshot = SnapshotStore.open(db)) {
        open = snapshot;
        SyncOptions options =
            SyncOptions.of("alice", name, "docs", forgetful(), snapshot, store)
                .withNewIds(() -> name + "-" + ids++);
        return new SyncOperation(tweak.apply(options)).execute();
      } finally {
        open = null;
      }
    }

    private Source forgetful() {
      ChunkId forgotten = forget;
      if (forgotten == null) {
        return source;
      }
      return new ForwardingSource(source) {
        @Override
        public void scan(ScanContext context) throws IOException {
          delegate()
              .scan(
                  new ForwardingScanContext(context) {
                    @Override
                    public void content(ChunkId id, ByteBuffer data) throws IOException {
                      if (!id.equals(forgotten)) {
                        super.content(id, data);
                      }
                    }
                  });
        }
      };
    }

    /** The rows of local changes and of the working state in the scratch of a running sync. */
    long[] scratchRows() {
      SnapshotStore snapshot = open;
      if (snapshot == null) {
        throw new AssertionError("no sync is running");
      }
      try {
        Scratch scratch = snapshot.scratch();
        return new long[] {scratch.pending().size(), scratch.working().size()};
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    Path scratch() {
      return Path.of(db + "-scratch");
    }

    long snapshotSize() throws IOException {
      try (SnapshotStore snapshot = SnapshotStore.open(db)) {
        return snapshot.size();
      }
    }

    Map<String, String> contents() {
      Map<String, String> contents = new TreeMap<>();
      source.items.forEach((path, bytes) ->
          contents.put(path, bytes == null ? "dir" : new String(bytes, StandardCharsets.UTF_8)));
      return contents;
    }
  }

  /** The store, calling {@link #beforeAppend} before each append. */
  private final class WatchedStore implements LogStore {
    private final LogStore delegate;

    WatchedStore(LogStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public AppendResult append(String collection, long expectedHead, byte[] encodedLog)
        throws IOException {
      Runnable hook = beforeAppend;
      if (hook != null) {
        hook.run();
      }
      return delegate.append(collection, expectedHead, encodedLog);
    }

    @Override
    public long head(String collection) throws IOException {
      return delegate.head(collection);
    }

    @Override
    public List<LogEntry> list(String collection, long after, int max) throws IOException {
      return delegate.list(collection, after, max);
    }

    @Override
    public byte[] read(String collection, long sequence) throws IOException {
      return delegate.read(collection, sequence);
    }

    @Override
    public Set<ChunkId> missingChunks(Collection<ChunkId> ids) throws IOException {
      synchronized (asked) {
        asked.addAll(ids);
      }
      return delegate.missingChunks(ids);
    }

    @Override
    public void putPack(List<StoredChunk> chunks) throws IOException {
      delegate.putPack(chunks);
    }

    @Override
    public byte[] readChunk(ChunkId id) throws IOException {
      return delegate.readChunk(id);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
