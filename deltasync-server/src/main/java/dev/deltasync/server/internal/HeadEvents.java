package dev.deltasync.server.internal;

import dev.deltasync.server.backend.BackendException;
import dev.deltasync.server.backend.HeadChange;
import dev.deltasync.server.backend.MetadataBackend;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells watching devices about new logs. One thread per server process follows the backend's
 * head-change feed (every {@link #POLL_MILLIS} ms), so appends made through any server process on
 * the same backend reach every watcher, and hands each change to the watchers of its user.
 */
final class HeadEvents implements AutoCloseable {
  static final long POLL_MILLIS = 100;
  private static final Logger LOG = LoggerFactory.getLogger(HeadEvents.class);

  /** One watching connection: a queue its handler drains. */
  static final class Watcher {
    final long userId;
    final LinkedBlockingQueue<HeadChange> changes = new LinkedBlockingQueue<>(10_000);

    Watcher(long userId) {
      this.userId = userId;
    }
  }

  private final MetadataBackend metadata;
  private final ConcurrentHashMap<Long, Set<Watcher>> watchers = new ConcurrentHashMap<>();
  private final Thread follower;
  private volatile boolean closed;
  private long version;

  HeadEvents(MetadataBackend metadata) throws BackendException {
    this.metadata = metadata;
    this.version = metadata.headVersion();
    this.follower = Thread.ofPlatform().daemon().name("deltasync-head-events").start(this::follow);
  }

  Watcher watch(long userId) {
    Watcher watcher = new Watcher(userId);
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
  public void close() {
    closed = true;
    follower.interrupt();
  }
}
