package dev.deltasync.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.StoredChunk;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ContentUploaderTest {
  private static ChunkId offer(ContentUploader uploader, int seed, int size) throws IOException {
    byte[] data = new byte[size];
    for (int i = 0; i < 8; i++) {
      data[i] = (byte) (seed >> (8 * (i % 4)));
    }
    ChunkId id = ChunkId.sha256(data);
    uploader.offer(id, ByteBuffer.wrap(data));
    return id;
  }

  /** Fills the pack being made past {@link ContentUploader#PACK_BYTES}, so that it is sent. */
  private static void fillPack(ContentUploader uploader, int seed) throws IOException {
    offer(uploader, seed, ContentUploader.PACK_BYTES);
  }

  @Test
  void aChunkInAPackOnItsWayIsNotSentAgain() throws Exception {
    Packs store = new Packs();
    store.hold = new CountDownLatch(1);
    try (ContentUploader uploader = new ContentUploader(store, SyncProgress.NONE)) {
      ChunkId shared = offer(uploader, 1, 1000);
      fillPack(uploader, 2); // pack 1, held by the store
      assertThat(store.entered.await(10, TimeUnit.SECONDS)).isTrue();
      offer(uploader, 1, 1000); // again, while pack 1 is on its way
      fillPack(uploader, 3); // pack 2
      store.hold.countDown();
      uploader.flush();
      assertThat(store.sent(shared)).isEqualTo(1);
      assertThat(store.packs).hasSize(2);
    }
  }

  @Test
  void aChunkOfferedAfterItsPackWasStoredIsNeitherSentNorAskedAboutAgain() throws Exception {
    Packs store = new Packs();
    try (ContentUploader uploader = new ContentUploader(store, SyncProgress.NONE)) {
      ChunkId shared = offer(uploader, 1, 1000);
      uploader.flush();
      offer(uploader, 1, 1000);
      ChunkId other = offer(uploader, 4, 1000);
      uploader.flush();
      assertThat(store.sent(shared)).isEqualTo(1);
      assertThat(store.asked).containsExactly(shared, other);
    }
  }

  @Test
  void theChunksOfEveryStoredPackAreKnownToBeStored() throws Exception {
    Packs store = new Packs();
    ChunkId there = ChunkId.sha256(new byte[] {42});
    store.stored.add(there); // in the store before this sync
    try (ContentUploader uploader = new ContentUploader(store, SyncProgress.NONE)) {
      ChunkId sent = offer(uploader, 1, 1000);
      uploader.offer(there, ByteBuffer.wrap(new byte[] {42}));
      ChunkId pending = offer(uploader, 2, 1000);
      assertThat(uploader.stored(sent)).as("not yet sent").isFalse();
      uploader.flush();
      assertThat(uploader.stored(sent)).as("sent in a pack").isTrue();
      assertThat(uploader.stored(there)).as("found in the store").isTrue();
      assertThat(uploader.stored(pending)).isTrue();
      assertThat(uploader.stored(ChunkId.sha256(new byte[] {7}))).as("never offered").isFalse();
      assertThat(store.sent(there)).isZero();
    }
  }

  @Test
  void aPackThatFailsLeavesItsChunksUnknown() throws Exception {
    Packs store = new Packs();
    store.fail = true;
    try (ContentUploader uploader = new ContentUploader(store, SyncProgress.NONE)) {
      ChunkId lost = offer(uploader, 1, 1000);
      assertThatThrownBy(uploader::flush).isInstanceOf(IOException.class);
      assertThat(uploader.stored(lost)).isFalse();
    }
  }

  @Test
  void theSetOfStoredIdsTakesAtMostA64thOfTheHeap() {
    assertThat(ContentUploader.rememberedSlots(384L << 20)).isEqualTo(1 << 16); // 2.1 MiB
    assertThat(ContentUploader.rememberedSlots(4L << 30))
        .isEqualTo(ContentUploader.MAX_REMEMBERED_SLOTS);
    assertThat(ContentUploader.rememberedSlots(1L << 20)).as("the least").isEqualTo(1024);
    for (long heap : new long[] {64L << 20, 384L << 20, 1L << 30, 8L << 30}) {
      int slots = ContentUploader.rememberedSlots(heap);
      assertThat(Integer.bitCount(slots)).isEqualTo(1);
      assertThat(slots * 49L)
          .as("bytes while it grows, heap %d", heap)
          .isLessThanOrEqualTo(heap / 64);
    }
  }

  @Test
  void twoPacksAreSentAtOnce() throws Exception {
    Packs store = new Packs();
    store.meet = new CountDownLatch(2);
    try (ContentUploader uploader = new ContentUploader(store, SyncProgress.NONE)) {
      fillPack(uploader, 1);
      fillPack(uploader, 2);
      uploader.flush();
    }
    assertThat(store.waitedAlone).isFalse();
    assertThat(store.together.get()).as("packs inside putPack at the same time").isEqualTo(2);
  }

  /** A store of packs that records what each held; a put may wait for a latch. */
  private static final class Packs extends UnsupportedLogStore {
    final List<Set<ChunkId>> packs = new CopyOnWriteArrayList<>();
    final Set<ChunkId> stored = ConcurrentHashMap.newKeySet();
    final CountDownLatch entered = new CountDownLatch(1);
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger together = new AtomicInteger();
    volatile CountDownLatch hold = new CountDownLatch(0);
    volatile CountDownLatch meet = new CountDownLatch(0);
    volatile boolean waitedAlone;
    volatile boolean fail;
    final List<ChunkId> asked = new CopyOnWriteArrayList<>();

    int sent(ChunkId id) {
      return (int) packs.stream().filter(p -> p.contains(id)).count();
    }

    @Override
    public Set<ChunkId> missingChunks(Collection<ChunkId> ids) {
      asked.addAll(ids);
      Set<ChunkId> missing = new HashSet<>(ids);
      missing.removeAll(stored);
      return missing;
    }

    @Override
    public void putPack(List<StoredChunk> chunks) throws IOException {
      if (fail) {
        throw new IOException("the store is full");
      }
      together.accumulateAndGet(inside.incrementAndGet(), Math::max);
      try {
        entered.countDown();
        meet.countDown();
        // Two senders meet here; one sender alone waits out the timeout and goes on. Generous: a
        // loaded machine may take long to fill the second pack.
        if (!meet.await(30, TimeUnit.SECONDS)) {
          waitedAlone = true;
        }
        if (!hold.await(10, TimeUnit.SECONDS)) {
          throw new IOException("held for too long");
        }
      } catch (InterruptedException e) {
        throw new InterruptedIOException("interrupted");
      } finally {
        inside.decrementAndGet();
      }
      Set<ChunkId> ids = new HashSet<>();
      for (StoredChunk chunk : chunks) {
        ids.add(chunk.id());
      }
      packs.add(ids);
      stored.addAll(ids);
    }
  }
}
