package dev.deltasync.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What the watcher syncs next, and when: every trigger of every watched collection in one place —
 * local changes (debounced), heads heard from the store, the periodic rescan, the sync at start and
 * the retries after a failure.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>A local change makes its collection due once no further change came for the quiet period,
 *       or at the latest the longest delay after the first change, so that a steady stream of
 *       changes still syncs about every second.
 *   <li>A head newer than the collection's cursor makes it due at once.
 *   <li>Every collection is due at start, and again when it has not synced for the rescan period.
 *   <li>{@link #next} hands out one collection at a time and clears its local trigger: changes that
 *       come while it syncs (the sync's own writes among them) make it due once more, for one
 *       follow-up sync that finds nothing when they were the sync's own.
 *   <li>A failed sync is due again after a pause that doubles with each failure, from 2 s up to 5
 *       min; the store coming back ({@link #storeReachable}) ends the pause.
 * </ul>
 *
 * <p>Times are {@link System#nanoTime()} values passed in, so the rules are tested without a clock.
 * Thread-safe: the watchers report from their threads, the sync loop takes work in its own.
 */
final class WatchTriggers {
  static final Duration FIRST_RETRY = Duration.ofSeconds(2);
  static final Duration LAST_RETRY = Duration.ofMinutes(5);

  /** Why a collection syncs; shown in the output. */
  enum Reason {
    START("start"),
    LOCAL("local change"),
    REMOTE("remote change"),
    RESCAN("rescan"),
    RETRY("retry");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** One sync to run. */
  record Work(String collection, Reason reason) {}

  /** What to do now: run {@code work}, or wait up to {@code waitNanos} when it is null. */
  record Decision(@Nullable Work work, long waitNanos) {}

  private final long quietNanos;
  private final long maxDelayNanos;
  private final long rescanNanos;
  private final Map<String, State> states = new LinkedHashMap<>();
  private final List<String> order;
  private int nextIndex;
  private boolean stopped;

  /**
   * @param collections the watched collections, in the order to sync them at start
   * @param quiet how long local changes must pause before a sync
   * @param maxDelay how long local changes wait at most
   * @param rescan how long a collection goes without a sync before it is rescanned
   * @param now the start
   */
  WatchTriggers(
      List<String> collections, Duration quiet, Duration maxDelay, Duration rescan, long now) {
    this.quietNanos = quiet.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
    this.rescanNanos = rescan.toNanos();
    for (String name : collections) {
      State state = new State();
      state.full = Reason.START;
      state.rescanAt = now + rescanNanos;
      states.put(name, state);
    }
    this.order = new ArrayList<>(states.keySet());
  }

  /** The cursor a collection is known to be at before the first sync (from its last sync). */
  synchronized void cursor(String collection, long cursor) {
    State state = states.get(collection);
    if (state != null) {
      state.cursor = cursor;
    }
  }

  /** A change in the collection's local data. */
  synchronized void localChange(String collection, long now) {
    State state = states.get(collection);
    if (state == null) {
      return;
    }
    if (!state.local) {
      state.local = true;
      state.localFirst = now;
    }
    state.localLast = now;
    notifyAll();
  }

  /** The store's head of a collection; newer than its cursor, the collection is due. */
  synchronized void remoteHead(String collection, long head) {
    State state = states.get(collection);
    if (state == null || head <= state.heard) {
      return;
    }
    state.heard = head;
    if (head > state.cursor) {
      notifyAll();
    }
  }

  /** The store is reachable (again): collections waiting after a failure retry now. */
  synchronized void storeReachable() {
    for (State state : states.values()) {
      state.retrying = false;
    }
    notifyAll();
  }

  /** The next sync to run at {@code now}, or how long to wait for one. */
  synchronized Decision next(long now) {
    long wait = Long.MAX_VALUE;
    for (int i = 0; i < order.size(); i++) {
      int index = (nextIndex + i) % order.size();
      String name = order.get(index);
      State state = states.get(name);
      if (state == null) {
        continue;
      }
      if (state.full == null && now - state.rescanAt >= 0) {
        state.full = Reason.RESCAN;
      }
      Reason reason = state.reason();
      long until = state.untilDue(now, reason);
      if (reason != null && until == 0) {
        nextIndex = (index + 1) % order.size();
        state.full = null;
        state.local = false;
        state.heardAtStart = state.heard;
        return new Decision(new Work(name, reason), 0);
      }
      wait = Math.min(wait, until);
      if (state.full == null) {
        wait = Math.min(wait, Math.max(0, state.rescanAt - now));
      }
    }
    return new Decision(null, wait);
  }

  /** The sync of {@code collection} succeeded and brought it to {@code cursor}. */
  synchronized void succeeded(String collection, long cursor, long now) {
    State state = states.get(collection);
    if (state == null) {
      return;
    }
    state.cursor = cursor;
    state.failures = 0;
    state.retrying = false;
    state.rescanAt = now + rescanNanos;
    if (state.heard > cursor && state.heard == state.heardAtStart) {
      // The sync read the store after it heard that head and did not get there: the head was
      // not what the store holds (a restored server?). Not a reason to sync again and again.
      state.heard = cursor;
    }
  }

  /**
   * The sync of {@code work} failed: the collection is due again after a pause.
   *
   * @return the pause
   */
  synchronized Duration failed(Work work, long now) {
    State state = states.get(work.collection());
    if (state == null) {
      return Duration.ZERO;
    }
    state.failures++;
    long pause = FIRST_RETRY.toNanos() << Math.min(state.failures - 1, 20);
    pause = Math.min(pause, LAST_RETRY.toNanos());
    state.full = Reason.RETRY;
    state.retrying = true;
    state.retryAt = now + pause;
    return Duration.ofNanos(pause);
  }

  /** The sync of {@code work} did not start (the home was busy): due again after {@code pause}. */
  synchronized void postponed(Work work, long now, Duration pause) {
    State state = states.get(work.collection());
    if (state == null) {
      return;
    }
    if (state.full == null) {
      state.full = work.reason();
    }
    state.retrying = true;
    state.retryAt = now + pause.toNanos();
  }

  /** Ends {@link #take}. */
  synchronized void stop() {
    stopped = true;
    notifyAll();
  }

  synchronized boolean stopped() {
    return stopped;
  }

  /**
   * Waits for the next sync due, by {@code clock}.
   *
   * @return the work, or null once stopped
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  synchronized @Nullable Work take(LongSupplier clock) throws InterruptedException {
    while (!stopped) {
      Decision decision = next(clock.getAsLong());
      Work work = decision.work();
      if (work != null) {
        return work;
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, decision.waitNanos()));
    }
    return null;
  }

  /** One collection's triggers. */
  private final class State {
    /** Why the collection is due whatever else holds (start, rescan, retry); null when not. */
    @Nullable Reason full;

    boolean local;
    long localFirst;
    long localLast;
    long heard;
    long heardAtStart;
    long cursor;
    boolean retrying;
    long retryAt;
    int failures;
    long rescanAt;

    @Nullable Reason reason() {
      if (full != null) {
        return full;
      }
      if (heard > cursor) {
        return Reason.REMOTE;
      }
      return local ? Reason.LOCAL : null;
    }

    /** Nanoseconds until due for {@code reason}: 0 when due, MAX_VALUE without a reason. */
    long untilDue(long now, @Nullable Reason reason) {
      if (reason == null) {
        return Long.MAX_VALUE;
      }
      long until = 0;
      if (reason == Reason.LOCAL) {
        long afterQuiet = localLast + quietNanos - now;
        long afterMax = localFirst + maxDelayNanos - now;
        until = Math.max(0, Math.min(afterQuiet, afterMax));
      }
      if (retrying) {
        until = Math.max(until, retryAt - now);
      }
      return Math.max(0, until);
    }
  }
}
