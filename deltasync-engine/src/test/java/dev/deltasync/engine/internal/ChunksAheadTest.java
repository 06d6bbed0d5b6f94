package dev.deltasync.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.StoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ChunksAheadTest {
  private static final ChunkId NO_ID = ChunkId.sha256(new byte[0]);

  /** Chunks of {@code size} bytes, each its own content. */
  private static List<ChunkId> chunks(Chunks store, int count, int size) {
    List<ChunkId> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] data = new byte[size];
      data[0] = (byte) i;
      data[1] = (byte) (i >> 8);
      data[size - 1] = (byte) (i >> 16);
      ids.add(store.add(data));
    }
    return ids;
  }

  /** One change per chunk. */
  private static List<List<ChunkId>> oneEach(List<ChunkId> ids) {
    return ids.stream().map(List::of).toList();
  }

  @Test
  void handsOutEachPlannedChunkReadOnce() throws IOException {
    Chunks store = new Chunks();
    List<ChunkId> ids = chunks(store, 200, 4096);
    try (ChunksAhead ahead = new ChunksAhead(store, oneEach(ids))) {
      for (int i = 0; i < ids.size(); i++) {
        ahead.at(i);
        byte[] got = Objects.requireNonNull(ahead.take(ids.get(i)));
        assertThat(ChunkId.sha256(got)).isEqualTo(ids.get(i));
      }
      assertThat(ahead.unusedBytes()).isZero();
    }
    assertThat(store.reads).hasSize(200);
    assertThat(store.reads.values()).allMatch(n -> n.get() == 1);
  }

  @Test
  void aChunkPlannedTwiceIsHandedOutAtBothPlaces() throws IOException {
    Chunks store = new Chunks();
    List<ChunkId> ids = chunks(store, 3, 100);
    List<ChunkId> file = List.of(ids.get(0), ids.get(1), ids.get(0), ids.get(2));
    try (ChunksAhead ahead = new ChunksAhead(store, List.of(file))) {
      ahead.at(0);
      for (ChunkId id : file) {
        assertThat(ahead.take(id)).isNotNull();
      }
    }
  }

  @Test
  void chunksOfChangesAppliedWithoutThemArePassedAndCountedAsUnused() throws IOException {
    Chunks store = new Chunks();
    List<ChunkId> ids = chunks(store, 10, 1000);
    ChunksAhead ahead = new ChunksAhead(store, oneEach(ids));
    ahead.at(0);
    assertThat(ahead.take(ids.get(0))).isNotNull();
    ahead.at(7); // 1 to 6 were applied without their content
    assertThat(ahead.take(ids.get(3))).as("passed: read by the caller").isNull();
    assertThat(ahead.take(ids.get(7))).isNotNull();
    ahead.at(8);
    assertThat(ahead.take(ids.get(8))).isNotNull();
    ahead.at(9);
    assertThat(ahead.take(ids.get(9))).isNotNull();
    ahead.close();
    assertThat(ahead.unusedBytes())
        .as("what was read for 1 to 6 and not taken")
        .isEqualTo(store.readBytes() - 4 * 1000L);
  }

  @Test
  void aChunkAskedForByAnotherChangeDoesNotSkipWhatComesBefore() throws IOException {
    Chunks store = new Chunks();
    List<ChunkId> ids = chunks(store, 3, 100);
    ChunkId a = ids.get(0);
    ChunkId b = ids.get(1);
    ChunkId shared = ids.get(2);
    // change 1 (an edit, not planned) asks for a chunk that change 3 will ask for too
    List<List<ChunkId>> plan = List.of(List.of(a), List.of(), List.of(b), List.of(shared));
    try (ChunksAhead ahead = new ChunksAhead(store, plan)) {
      ahead.at(0);
      assertThat(ahead.take(a)).isNotNull();
      ahead.at(1);
      assertThat(ahead.take(shared)).as("planned for change 3, not 1").isNull();
      ahead.at(2);
      assertThat(ahead.take(b)).as("still read ahead").isNotNull();
      ahead.at(3);
      assertThat(ahead.take(shared)).isNotNull();
    }
    assertThat(store.reads.get(b)).hasValue(1);
  }

  @Test
  void anIdNotPlannedIsLeftToTheCaller() throws IOException {
    Chunks store = new Chunks();
    List<ChunkId> ids = chunks(store, 3, 100);
    ChunkId other = store.add(new byte[] {1, 2, 3});
    try (ChunksAhead ahead = new ChunksAhead(store, List.of(ids))) {
      ahead.at(0);
      assertThat(ahead.take(other)).isNull();
      assertThat(ahead.take(ids.get(0))).isNotNull();
    }
  }

  @Test
  void holdsAtMostTheLimitOfChunksNotTaken() throws Exception {
    Chunks store = new Chunks();
    int size = 1024 * 1024;
    int limitChunks = (int) (ChunksAhead.MAX_AHEAD_BYTES / size);
    List<ChunkId> ids = chunks(store, limitChunks + 4, size);
    try (ChunksAhead ahead = new ChunksAhead(store, oneEach(ids))) {
      awaitReads(store, limitChunks);
      Thread.sleep(200); // time to read past the limit, were it not kept
      assertThat(store.readCount()).isEqualTo(limitChunks);
      ahead.at(0);
      assertThat(ahead.take(ids.get(0))).isNotNull();
      awaitReads(store, limitChunks + 1);
      Thread.sleep(200);
      assertThat(store.readCount()).isEqualTo(limitChunks + 1);
    }
  }

  @Test
  void aFailedReadIsThrownByTheTakeOfThatChunkAndStopsReadingAhead() throws IOException {
    Chunks store = new Chunks();
    List<ChunkId> ids = chunks(store, 6, 100);
    store.failing = ids.get(2);
    try (ChunksAhead ahead = new ChunksAhead(store, oneEach(ids))) {
      for (int i = 0; i < 2; i++) {
        ahead.at(i);
        assertThat(ahead.take(ids.get(i))).isNotNull();
      }
      ahead.at(2);
      assertThatThrownBy(() -> ahead.take(ids.get(2)))
          .isInstanceOf(StoreException.NotFound.class)
          .hasMessageContaining(ids.get(2).toString());
      ahead.at(3);
      assertThat(ahead.take(ids.get(3))).as("not read ahead: the caller reads it").isNull();
    }
    assertThat(store.reads.keySet()).doesNotContain(ids.get(3), ids.get(4), ids.get(5));
  }

  @Test
  void aReaderStoppedByAnUnexpectedExceptionLeavesTheChunkToTheCaller() throws IOException {
    Chunks store = new Chunks();
    List<ChunkId> ids = chunks(store, 2, 100);
    store.broken = ids.get(0);
    try (ChunksAhead ahead = new ChunksAhead(store, oneEach(ids))) {
      ahead.at(0);
      assertThat(ahead.take(ids.get(0))).isNull();
      ahead.at(1);
      assertThat(ahead.take(ids.get(1))).isNull();
    }
  }

  @Test
  void closeWaitsForTheReadInFlightWithoutInterruptingIt() throws Exception {
    Chunks store = new Chunks();
    List<ChunkId> ids = chunks(store, 2, 100);
    CountDownLatch hang = new CountDownLatch(1);
    store.hang = hang;
    ChunksAhead ahead = new ChunksAhead(store, oneEach(ids));
    assertThat(store.hanging.await(10, TimeUnit.SECONDS)).isTrue();
    Thread release =
        new Thread(() -> {
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          hang.countDown();
        });
    release.start();
    ahead.close();
    assertThat(store.interrupted).isFalse();
    assertThat(ahead.unusedBytes()).as("the read in flight ended, and was not used").isEqualTo(100);
    assertThat(store.readCount()).isEqualTo(1);
    release.join();
  }

  @Test
  void aTakeInterruptedWhileWaitingKeepsTheInterrupt() throws Exception {
    Chunks store = new Chunks();
    List<ChunkId> ids = chunks(store, 2, 100);
    CountDownLatch hang = new CountDownLatch(1);
    store.hang = hang;
    try (ChunksAhead ahead = new ChunksAhead(store, oneEach(ids))) {
      ahead.at(0);
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> ahead.take(ids.get(0))).isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.interrupted()).isTrue();
      hang.countDown();
    }
  }

  private static void awaitReads(Chunks store, int reads) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (store.readCount() < reads && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(store.readCount()).isGreaterThanOrEqualTo(reads);
  }

  /** Chunks in memory that counts reads; one id may fail, and reads may hang until interrupted. */
  private static final class Chunks extends UnsupportedLogStore {
    final Map<ChunkId, byte[]> data = new HashMap<>();
    final Map<ChunkId, AtomicInteger> reads = new ConcurrentHashMap<>();
    final CountDownLatch hanging = new CountDownLatch(1);
    volatile @Nullable ChunkId failing;
    volatile @Nullable ChunkId broken;
    volatile @Nullable CountDownLatch hang;
    volatile boolean interrupted;
    private long readBytes;

    ChunkId add(byte[] bytes) {
      ChunkId id = ChunkId.sha256(bytes);
      data.put(id, bytes);
      return id;
    }

    int readCount() {
      return reads.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    synchronized long readBytes() {
      return readBytes;
    }

    @Override
    public byte[] readChunk(ChunkId id) throws IOException {
      CountDownLatch h = hang;
      if (h != null) {
        hanging.countDown();
        try {
          h.await();
        } catch (InterruptedException e) {
          interrupted = true;
          throw new InterruptedIOException("interrupted");
        }
      }
      if (id.equals(Objects.requireNonNullElse(broken, NO_ID))) {
        throw new IllegalStateException("a bug in the store");
      }
      if (id.equals(Objects.requireNonNullElse(failing, NO_ID))) {
        throw new StoreException.NotFound("the store does not hold chunk " + id);
      }
      reads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      byte[] bytes = Objects.requireNonNull(data.get(id));
      synchronized (this) {
        readBytes += bytes.length;
      }
      return bytes;
    }
  }
}
