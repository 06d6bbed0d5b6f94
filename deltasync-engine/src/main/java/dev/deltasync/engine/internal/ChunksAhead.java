package dev.deltasync.engine.internal;

import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the chunks a log's changes will ask for, in the order they will ask, on a thread of its own
 * while the sync's thread writes the ones before: downloading, decompressing and checking a chunk
 * then overlaps writing the files. At most {@link #MAX_AHEAD_BYTES} are held that were not taken
 * yet.
 *
 * <p>The plan is a hint. {@link #take} hands out a chunk read ahead when the id is the next one
 * planned (chunks planned before it that were not asked for are dropped: their change was applied
 * without them); it returns null for an id not planned, or not read because reading ahead stopped,
 * and the caller reads it from the store itself. A read ahead that failed stops reading ahead, and
 * its failure is thrown by the {@code take} of that chunk: a server that is down is not waited for
 * twice.
 *
 * <p>{@link #take} and {@link #close} are for the sync's thread only; the store is thread-safe
 * ({@link LogStore}).
 */
final class ChunksAhead implements AutoCloseable {
  static final long MAX_AHEAD_BYTES = 32L * 1024 * 1024;
  static final String THREAD_NAME = "deltasync-chunks-ahead";
  static final long CLOSE_WAIT_MILLIS = 10_000;

  private final LogStore store;
  private final List<ChunkId> plan;

  /** Where each id comes in the plan, at or after {@link #taken}: the sync's thread's only. */
  private final Map<ChunkId, ArrayDeque<Integer>> places = new HashMap<>();

  private final Thread thread;

  // Shared with the reading thread; guarded by this.
  private final Map<Integer, byte[]> ready = new HashMap<>();
  private @Nullable IOException failure;
  private int failedAt = -1;
  private int taken; // places below are passed: not read any more, and dropped when read
  private long heldBytes;
  private long readBytes;
  private long takenBytes;
  private boolean stopped;

  /** Starts reading {@code plan} ahead. */
  ChunksAhead(LogStore store, List<ChunkId> plan) {
    this.store = store;
    this.plan = List.copyOf(plan);
    for (int i = 0; i < this.plan.size(); i++) {
      places.computeIfAbsent(this.plan.get(i), id -> new ArrayDeque<>()).addLast(i);
    }
    thread = new Thread(this::readAll, THREAD_NAME);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The chunk read ahead for {@code id}, waiting for it when it is on its way; null when it is not
   * in the plan (from here on) or was not read: the caller reads it itself.
   *
   * @throws IOException what reading this chunk ahead failed with
   * @throws InterruptedIOException when this thread is interrupted while it waits
   */
  byte @Nullable [] take(ChunkId id) throws IOException {
    ArrayDeque<Integer> at = places.get(id);
    if (at == null) {
      return null;
    }
    Integer place;
    synchronized (this) {
      while ((place = at.peekFirst()) != null && place < taken) {
        at.pollFirst();
      }
    }
    if (place == null) {
      return null;
    }
    at.pollFirst();
    synchronized (this) {
      passUpTo(place);
      notifyAll();
      try {
        while (!ready.containsKey(place) && !stopped && failedAt < 0) {
          wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a chunk read ahead");
      }
      byte[] data = ready.remove(place);
      taken = place + 1;
      if (data != null) {
        heldBytes -= data.length;
        takenBytes += data.length;
        notifyAll();
        return data;
      }
      if (failedAt == place && failure != null) {
        throw failure;
      }
      return null;
    }
  }

  /**
   * Bytes read from the store that were not taken: what reading ahead downloaded in vain. Exact
   * after {@link #close}.
   */
  synchronized long unusedBytes() {
    return readBytes - takenBytes;
  }

  /** Stops reading ahead, drops what was not taken, and waits (up to 10 s) for the thread. */
  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
      ready.clear();
      heldBytes = 0;
      notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Drops what was read for places before {@code place}: the changes they were for are done. */
  private void passUpTo(int place) {
    for (int i = taken; i < place; i++) {
      byte[] dropped = ready.remove(i);
      if (dropped != null) {
        heldBytes -= dropped.length;
      }
    }
    taken = Math.max(taken, place);
  }

  /** On the reading thread: the plan in order, skipping what was passed, within the byte limit. */
  private void readAll() {
    for (int i = 0; i < plan.size(); i++) {
      synchronized (this) {
        try {
          while (!stopped && i >= taken && heldBytes >= MAX_AHEAD_BYTES) {
            wait();
          }
        } catch (InterruptedException e) {
          return; // closed
        }
        if (stopped) {
          return;
        }
        if (i < taken) {
          continue;
        }
      }
      byte[] data;
      try {
        data = store.readChunk(plan.get(i));
      } catch (IOException e) {
        synchronized (this) {
          if (!stopped) {
            failure = e;
            failedAt = i;
          }
          notifyAll();
        }
        return;
      } catch (RuntimeException e) {
        // Not thrown from here: the sync's thread reads the chunk itself and meets it there.
        synchronized (this) {
          stopped = true;
          notifyAll();
        }
        return;
      }
      synchronized (this) {
        readBytes += data.length;
        if (!stopped && i >= taken) {
          ready.put(i, data);
          heldBytes += data.length;
        }
        notifyAll();
      }
    }
  }
}
