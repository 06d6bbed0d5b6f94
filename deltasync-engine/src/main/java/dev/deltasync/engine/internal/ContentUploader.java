package dev.deltasync.engine.internal;

import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.ChunkIdSet;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.engine.store.StoredChunk;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Collects content offered during a scan and sends the store what it lacks, in packs of about
 * {@link #PACK_BYTES}. A full pack is sent while the scan goes on, on {@link #SENDERS} threads
 * (connections) at once, so that a server's work on one pack (checking, writing, fsync) overlaps
 * the transfer of the next (a directory store writes one pack at a time under its lock; only the
 * checks overlap there). At most {@link #IN_FLIGHT} packs are on their way: memory holds the pack
 * being filled and those, each up to {@code PACK_BYTES} plus one chunk (~48 MiB at most), and the
 * store's encoding of the packs being sent. The ids of the chunks of every pack that was stored are
 * remembered ({@link #stored}, in a set of at most {@link #rememberedSlots} slots), so that the
 * sync need not ask the store about them again before it pushes the logs that refer to them. A
 * chunk offered again while a pack that holds it is on its way, or after that pack was stored, is
 * not added again (once the set is full, the store's {@link LogStore#missingChunks} finds it): a
 * chunk is sent once.
 *
 * <p>Called from the sync's thread only; the store (thread-safe, {@link LogStore}) is used by the
 * sending threads only between {@link #offer} and the end of {@link #flush}, when the sync's thread
 * does not use it. A failed send is thrown by a later {@code offer} (once the packs before it are
 * done) or by {@code flush}.
 */
final class ContentUploader implements AutoCloseable {
  static final int PACK_BYTES = 4 * 1024 * 1024;
  static final int IN_FLIGHT = 3;
  static final int SENDERS = 2;
  static final int CLOSE_WAIT_SECONDS = 10;

  /**
   * The most slots of the set of stored chunk ids: 2^18, 8.25 MiB for up to 196,608 ids (the chunks
   * of more are asked about again); fewer in a small heap ({@link #rememberedSlots}).
   */
  static final int MAX_REMEMBERED_SLOTS = 1 << 18;

  private final LogStore store;
  private final SyncProgress progress;
  private final Deque<Future<Long>> inFlight = new ArrayDeque<>();
  private final Deque<Set<ChunkId>> inFlightIds = new ArrayDeque<>();
  private final ChunkIdSet stored =
      new ChunkIdSet(rememberedSlots(Runtime.getRuntime().maxMemory()));
  private @Nullable ExecutorService sender;
  private Map<ChunkId, byte[]> pending = new LinkedHashMap<>();
  private int pendingBytes;
  private long bytesUp;
  private int senderThreads;

  ContentUploader(LogStore store, SyncProgress progress) {
    this.store = store;
    this.progress = progress;
  }

  void offer(ChunkId id, ByteBuffer data) throws IOException {
    if (pending.containsKey(id) || sending(id) || stored.contains(id)) {
      return;
    }
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    pending.put(id, copy);
    pendingBytes += copy.length;
    if (pendingBytes >= PACK_BYTES) {
      send();
    }
    while (!inFlight.isEmpty() && inFlight.peekFirst().isDone()) {
      awaitOldest();
    }
  }

  /** Sends what is pending and the store lacks, and waits until every pack is stored. */
  void flush() throws IOException {
    send();
    while (!inFlight.isEmpty()) {
      awaitOldest();
    }
  }

  /**
   * The most slots of the set of stored chunk ids for a heap of {@code maxHeap} bytes: {@link
   * #MAX_REMEMBERED_SLOTS}, or fewer, so that the set (33 bytes per slot, half as much again while
   * it grows) takes at most a 64th of the heap; 1024 at least.
   */
  static int rememberedSlots(long maxHeap) {
    long fit = Long.highestOneBit(Math.max(1, maxHeap / 64 / (33 + 33 / 2)));
    return (int) Math.max(1024, Math.min(MAX_REMEMBERED_SLOTS, fit));
  }

  long bytesUp() {
    return bytesUp;
  }

  /**
   * Whether the store has the chunk for sure: it was in a pack this uploader saw stored (sent, or
   * found in the store). False says nothing: the chunk may be there or not.
   */
  boolean stored(ChunkId id) {
    return stored.contains(id);
  }

  /**
   * Stops sending: packs on their way are abandoned (the store keeps no half pack), and this waits
   * (up to {@link #CLOSE_WAIT_SECONDS} s) until the sending threads have let go of the store, which
   * the caller closes next.
   */
  @Override
  public void close() {
    ExecutorService s = sender;
    if (s != null) {
      s.shutdownNow();
      try {
        s.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Hands the pending chunks to the sending threads, after the oldest pack when too many are out.
   */
  private void send() throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    while (inFlight.size() >= IN_FLIGHT) {
      awaitOldest();
    }
    Map<ChunkId, byte[]> chunks = pending;
    pending = new LinkedHashMap<>();
    pendingBytes = 0;
    inFlight.addLast(sender().submit(() -> store(chunks)));
    inFlightIds.addLast(chunks.keySet());
  }

  /** On a sending thread: stores the chunks the store lacks; returns their bytes. */
  private long store(Map<ChunkId, byte[]> chunks) {
    try {
      Set<ChunkId> missing = store.missingChunks(chunks.keySet());
      List<StoredChunk> pack = new ArrayList<>();
      long bytes = 0;
      for (Map.Entry<ChunkId, byte[]> e : chunks.entrySet()) {
        if (missing.contains(e.getKey())) {
          pack.add(new StoredChunk(e.getKey(), e.getValue()));
          bytes += e.getValue().length;
        }
      }
      if (!pack.isEmpty()) {
        store.putPack(pack);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a pack on its way holds the chunk: offered again, it is not sent twice. */
  private boolean sending(ChunkId id) {
    for (Set<ChunkId> ids : inFlightIds) {
      if (ids.contains(id)) {
        return true;
      }
    }
    return false;
  }

  private void awaitOldest() throws IOException {
    Future<Long> oldest = inFlight.removeFirst();
    Set<ChunkId> ids = inFlightIds.removeFirst();
    long bytes;
    try {
      bytes = oldest.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while content was being uploaded");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException unchecked) {
        throw unchecked.getCause();
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException("uploading content failed", cause);
    }
    for (ChunkId id : ids) {
      if (!stored.add(id)) {
        break; // full: the rest are asked about again
      }
    }
    if (bytes > 0) {
      bytesUp += bytes;
      progress.advance(SyncProgress.Phase.UPLOAD, 0, bytes);
    }
  }

  private ExecutorService sender() {
    ExecutorService s = sender;
    if (s == null) {
      s =
          Executors.newFixedThreadPool(
              SENDERS,
              task -> {
                Thread thread = new Thread(task, "deltasync-upload-" + (++senderThreads));
                thread.setDaemon(true);
                return thread;
              });
      sender = s;
    }
    return s;
  }
}
