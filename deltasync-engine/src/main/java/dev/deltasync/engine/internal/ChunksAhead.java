package dev.deltasync.engine.internal;

import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the chunks a log's changes will ask for, in the order they will ask, on a thread of its own
 * while the sync's thread writes the ones before: downloading, decompressing and checking a chunk
 * then overlaps writing the files. At most {@link #MAX_AHEAD_BYTES} that were not taken yet are
 * held, plus the chunk being read.
 *
 * <p>The plan is a hint, one list of chunks per change. The sync's thread says which change it
 * applies ({@link #at}); what was read for the changes before is dropped (they were applied without
 * it). {@link #take} hands out a chunk planned for that change; it returns null for an id not
 * planned there, or not read because reading ahead stopped, and the caller reads it from the store
 * itself. A read ahead that failed stops reading ahead, and its failure is thrown by the {@code
 * take} of that chunk: a server that is down is not waited for twice.
 *
 * <p>{@link #at}, {@link #take} and {@link #close} are for the sync's thread only; the store is
 * thread-safe ({@link LogStore}).
 */
final class ChunksAhead implements AutoCloseable {
  static final long MAX_AHEAD_BYTES = 32L * 1024 * 1024;
  static final String THREAD_NAME = "deltasync-chunks-ahead";
  static final long CLOSE_WAIT_MILLIS = 10_000;

  private final LogStore store;
  private final List<ChunkId> plan;

  /** Where each change's chunks begin in {@link #plan}; one more for where the last one ends. */
  private final int[] firstPlace;

  /** Where each id comes in the plan, from {@link #taken} on: the sync's thread's only. */
  private final Map<ChunkId, ArrayDeque<Integer>> places = new HashMap<>();

  private final Thread thread;

  /** The end of the places of the change being applied: the sync's thread's only. */
  private int rangeEnd;

  // Shared with the reading thread; guarded by this.
  private final Map<Integer, byte[]> ready = new HashMap<>();
  private @Nullable IOException failure;
  private int failedAt = -1;
  private int taken; // places below are passed: not read any more, and dropped when read
  private long heldBytes;
  private long readBytes;
  private long takenBytes;
  private boolean stopped; // by close
  private boolean finished; // the reading thread ended, however

  /** Starts reading {@code perChange}, the chunks each change of a log will ask for, ahead. */
  ChunksAhead(LogStore store, List<List<ChunkId>> perChange) {
    this.store = store;
    List<ChunkId> all = new ArrayList<>();
    firstPlace = new int[perChange.size() + 1];
    for (int i = 0; i < perChange.size(); i++) {
      firstPlace[i] = all.size();
      all.addAll(perChange.get(i));
    }
    firstPlace[perChange.size()] = all.size();
    plan = List.copyOf(all);
    for (int i = 0; i < plan.size(); i++) {
      places.computeIfAbsent(plan.get(i), id -> new ArrayDeque<>()).addLast(i);
    }
    thread = new Thread(this::readAll, THREAD_NAME);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The sync's thread applies change {@code change} (an index into the plan's changes) next: what
   * was read for the ones before it is dropped.
   */
  void at(int change) {
    int first = firstPlace[Math.min(change, firstPlace.length - 1)];
    rangeEnd = firstPlace[Math.min(change + 1, firstPlace.length - 1)];
    synchronized (this) {
      passUpTo(first);
      notifyAll();
    }
  }

  /**
   * The chunk read ahead for {@code id} for the change being applied, waiting for it when it is on
   * its way; null when it is not planned there or was not read: the caller reads it itself.
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
    if (place == null || place >= rangeEnd) {
      return null; // planned for a later change, or not at all
    }
    at.pollFirst();
    synchronized (this) {
      passUpTo(place);
      notifyAll();
      try {
        while (!ready.containsKey(place) && !stopped && !finished && failedAt < 0) {
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
   * after {@link #close}, unless the read in flight then outlasted the wait.
   */
  synchronized long unusedBytes() {
    return readBytes - takenBytes;
  }

  /**
   * Stops reading ahead and drops what was not taken; waits (up to 10 s) for the read in flight, if
   * any, to end. It is not interrupted: a read stopped half-way could leave the store's reader
   * without its place in a pack.
   */
  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
      ready.clear();
      heldBytes = 0;
      notifyAll();
    }
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
    try {
      for (int i = 0; i < plan.size(); i++) {
        synchronized (this) {
          try {
            while (!stopped && i >= taken && heldBytes >= MAX_AHEAD_BYTES) {
              wait();
            }
          } catch (InterruptedException e) {
            return;
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
            failure = e;
            failedAt = i;
          }
          return;
        } catch (RuntimeException e) {
          return; // not thrown from here: the sync's thread meets it reading the chunk itself
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
    } finally {
      // However it ended (an Error included), a take waiting for a chunk stops waiting.
      synchronized (this) {
        finished = true;
        notifyAll();
      }
    }
  }
}
