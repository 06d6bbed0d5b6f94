package dev.deltasync.server.internal;

import dev.deltasync.server.backend.BackendException;
import dev.deltasync.server.backend.HeadChange;
import dev.deltasync.server.backend.MetadataBackend;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells watching devices about new logs. One thread per server process follows the backend's
 * head-change feed (every {@link #POLL_MILLIS} ms), so appends made through any server process on
 * the same backend reach every watcher, and hands each change to the watchers of its user. The
 * thread starts with the first watcher, so a process that nobody watches (a storage-only one) does
 * not poll. {@link #close} ends every watcher.
 */
final class HeadEvents implements AutoCloseable {
  static final long POLL_MILLIS = 100;

  /** Put in a watcher's queue when the server closes, to wake its handler. */
  private static final HeadChange CLOSED = new HeadChange(-1, -1, "", -1);

  private static final Logger LOG = LoggerFactory.getLogger(HeadEvents.class);

  /** One watching connection: a queue its handler drains. */
  static final class Watcher {
    final long userId;
    final LinkedBlockingQueue<HeadChange> changes = new LinkedBlockingQueue<>(10_000);

    /** Set when the server closes: the handler ends the stream. */
    volatile boolean ended;

    Watcher(long userId) {
      this.userId = userId;
    }
  }

  private final MetadataBackend metadata;
  private final ConcurrentHashMap<Long, Set<Watcher>> watchers = new ConcurrentHashMap<>();
  private @Nullable Thread follower;
  private volatile boolean closed;
  private long version;

  HeadEvents(MetadataBackend metadata) {
    this.metadata = metadata;
  }

  /**
   * Registers a watcher of the user's heads; changes after this call reach it. A watcher of a
   * closed instance is {@link Watcher#ended} at once.
   */
  synchronized Watcher watch(long userId) throws BackendException {
    Watcher watcher = new Watcher(userId);
    if (closed) {
      watcher.ended = true;
      watcher.changes.offer(CLOSED);
      return watcher;
    }
    if (follower == null) {
      version = metadata.headVersion();
      follower = Thread.ofPlatform().daemon().name("deltasync-head-events").start(this::follow);
    }
    watchers.computeIfAbsent(userId, id -> ConcurrentHashMap.newKeySet()).add(watcher);
    return watcher;
  }

  void unwatch(Watcher watcher) {
    watchers.computeIfPresent(
        watcher.userId,
        (id, set) -> {
          set.remove(watcher);
          return set.isEmpty() ? null : set;
        });
  }

  int watching() {
    return watchers.values().stream().mapToInt(Set::size).sum();
  }

  private void follow() {
    while (!closed) {
      try {
        List<HeadChange> changes = metadata.headChanges(version, 1000);
        for (HeadChange change : changes) {
          version = Math.max(version, change.version());
          Set<Watcher> set = watchers.get(change.userId());
          if (set != null) {
            for (Watcher watcher : set) {
              // A watcher that is this far behind gets a full heads event on reconnect anyway.
              watcher.changes.offer(change);
            }
          }
        }
        if (changes.size() < 1000) {
          Thread.sleep(POLL_MILLIS);
        }
      } catch (InterruptedException e) {
        return;
      } catch (BackendException e) {
        LOG.warn("cannot read the head-change feed: {}", e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (follower != null) {
      follower.interrupt();
    }
    for (Set<Watcher> set : watchers.values()) {
      for (Watcher watcher : set) {
        watcher.ended = true;
        watcher.changes.offer(CLOSED);
      }
    }
  }
}
