package dev.deltasync.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.ForwardingSource;
import dev.deltasync.engine.Source;
import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.format.v1.Item;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync that writes remote changes here and crashes before its commit leaves local data ahead of
 * the snapshot. The next sync knows what it wrote: no conflict copy, no duplicate, nothing deleted
 * comes back, and an edit made here since travels as an edit.
 */
class CrashAfterApplyTest {
  @TempDir Path dir;
  private LogStore store;
  private Device a;
  private Device b;

  @BeforeEach
  void setUp() throws IOException {
    store = DirectoryLogStore.open(dir.resolve("store"), "alice");
    a = new Device("a");
    b = new Device("b");
  }

  @Test
  void changesOfTwoLogsWrittenBeforeACrashMakeNoConflictCopy() throws IOException {
    a.source.file("x.txt", "one");
    a.sync();
    b.sync();
    a.source.file("x.txt", "two");
    a.sync();
    a.source.file("x.txt", "three");
    a.sync();

    b.crashAfterWrites(2);

    SyncResult again = b.sync();
    assertThat(again.conflicts()).isZero();
    assertThat(again.conflictCopies()).isEmpty();
    assertThat(again.sent()).isZero();
    assertThat(b.contents()).isEqualTo(Map.of("x.txt", "three"));
  }

  @Test
  void aMoveAndANewItemAtTheOldPathWrittenBeforeACrashMakeNoDuplicate() throws IOException {
    a.source.file("x.txt", "one");
    a.sync();
    b.sync();
    a.source.items.remove("x.txt");
    a.source.file("y.txt", "one");
    a.source.file("x.txt", "two");
    a.sync();

    b.crashAfterWrites(2);

    SyncResult again = b.sync();
    assertThat(again.conflicts()).isZero();
    assertThat(again.conflictCopies()).isEmpty();
    assertThat(again.sent()).isZero();
    a.sync();
    assertThat(a.contents()).isEqualTo(Map.of("x.txt", "two", "y.txt", "one"));
    assertThat(b.contents()).isEqualTo(a.contents());
  }

  @Test
  void anItemChangedAndThenDeletedBeforeACrashStaysDeleted() throws IOException {
    a.source.file("x.txt", "one");
    a.source.file("keep.txt", "keep");
    a.sync();
    b.sync();
    a.source.file("x.txt", "two");
    a.sync();
    a.source.items.remove("x.txt");
    a.sync();

    b.crashAfterWrites(2);

    SyncResult again = b.sync();
    assertThat(again.conflicts()).isZero();
    assertThat(again.sent()).isZero();
    a.sync();
    assertThat(a.contents()).isEqualTo(Map.of("keep.txt", "keep"));
    assertThat(b.contents()).isEqualTo(a.contents());
  }

  @Test
  void anItemWrittenBeforeACrashAndEditedSinceTravelsAsAnEdit() throws IOException {
    a.source.file("x.txt", "one");
    a.sync();
    a.source.file("z.txt", "zed");
    a.sync();

    b.crashBeforeWrite(2); // x.txt is written, its log applied; the crash strikes in the next one
    b.source.file("x.txt", "one, edited on b");

    SyncResult again = b.sync();
    assertThat(again.conflicts()).isZero();
    assertThat(again.conflictCopies()).isEmpty();
    a.sync();
    assertThat(a.contents()).isEqualTo(Map.of("x.txt", "one, edited on b", "z.txt", "zed"));
    assertThat(b.contents()).isEqualTo(a.contents());
  }

  @Test
  void anItemWrittenBeforeACrashAndDeletedSinceIsDeletedEverywhere() throws IOException {
    a.source.file("x.txt", "one");
    a.sync();
    a.source.file("z.txt", "zed");
    a.sync();

    b.crashBeforeWrite(2);
    b.source.items.remove("x.txt");

    SyncResult again = b.sync();
    assertThat(again.conflicts()).isZero();
    a.sync();
    assertThat(a.contents()).isEqualTo(Map.of("z.txt", "zed"));
    assertThat(b.contents()).isEqualTo(a.contents());
  }

  /**
   * A source that crashes (throws) once it has made {@code limit} writes: right after the last, or
   * when asked for the next.
   */
  private static final class CrashingSource extends ForwardingSource {
    private final boolean afterLast;
    private int left;

    CrashingSource(MemorySource delegate, int limit, boolean afterLast) {
      super(delegate);
      this.left = limit;
      this.afterLast = afterLast;
    }

    @Override
    public ApplyResult put(@Nullable SnapshotEntry expected, Item target, ContentReader content)
        throws IOException {
      if (left == 0) {
        throw new IOException("crash before a write");
      }
      ApplyResult result = super.put(expected, target, content);
      written();
      return result;
    }

    @Override
    public ApplyResult remove(SnapshotEntry expected) throws IOException {
      if (left == 0) {
        throw new IOException("crash before a write");
      }
      ApplyResult result = super.remove(expected);
      written();
      return result;
    }

    private void written() throws IOException {
      if (--left == 0 && afterLast) {
        throw new IOException("crash after a write");
      }
    }

    @Override
    public void close() {} // the device's source outlives the sync
  }

  private final class Device {
    final String name;
    final MemorySource source = new MemorySource();
    final Path db;
    private int ids;

    Device(String name) {
      this.name = name;
      this.db = dir.resolve(name + "-home/docs.snapshot.db");
    }

    SyncResult sync() throws IOException {
      return sync(source);
    }

    /** Syncs with a source that crashes right after its {@code writes}th write. */
    void crashAfterWrites(int writes) {
      assertThatThrownBy(() -> sync(new CrashingSource(source, writes, true)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("crash after a write");
    }

    /** Syncs with a source that crashes instead of its {@code write}th write. */
    void crashBeforeWrite(int write) {
      assertThatThrownBy(() -> sync(new CrashingSource(source, write - 1, false)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("crash before a write");
    }

    private SyncResult sync(Source with) throws IOException {
      try (SnapshotStore snapshot = SnapshotStore.open(db)) {
        SyncOptions options =
            SyncOptions.of("alice", name, "docs", with, snapshot, store)
                .withNewIds(() -> name + "-" + ids++);
        return new SyncOperation(options).execute();
      }
    }

    Map<String, String> contents() {
      Map<String, String> contents = new TreeMap<>();
      source.items.forEach((path, bytes) ->
          contents.put(path, bytes == null ? "dir" : new String(bytes, StandardCharsets.UTF_8)));
      return contents;
    }
  }
}
