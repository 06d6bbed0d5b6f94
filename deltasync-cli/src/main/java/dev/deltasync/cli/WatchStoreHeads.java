package dev.deltasync.cli;

import dev.deltasync.engine.store.DirectoryLogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A directory store as a trigger: its heads are read every second, and at once whenever something
 * changes in the store's {@code users} directory (where the logs and their index live), so that
 * another device's sync reaches this one within about a second even where file events do not work
 * (network shares). A store that cannot be read (an unmounted disk) is reported once; when it can
 * be read again, {@link WatchTriggers#storeReachable} ends the pauses of failed syncs.
 */
final class WatchStoreHeads implements WatchOperation.Remote {
  static final Duration POLL = Duration.ofSeconds(1);

  private final Path dir;
  private final String user;
  private final List<String> collections;
  private final WatchTriggers triggers;
  private final WatchLog log;
  private final ScheduledExecutorService timer;
  private @Nullable DirectoryLogStore store;
  private @Nullable WatchFolders events;
  private boolean failing;

  /** A poll for file events is queued and has not started: more events need no other. */
  private final AtomicBoolean pollQueued = new AtomicBoolean();

  private WatchStoreHeads(
      Path dir, String user, List<String> collections, WatchTriggers triggers, WatchLog log) {
    this.dir = dir;
    this.user = user;
    this.collections = collections;
    this.triggers = triggers;
    this.log = log;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> Thread.ofPlatform().daemon().name("watch-store-heads").unstarted(task));
  }

  /** Starts polling (and watching) the store at {@code dir}; returns at once. */
  static WatchStoreHeads start(
      Path dir, String user, List<String> collections, WatchTriggers triggers, WatchLog log) {
    WatchStoreHeads heads = new WatchStoreHeads(dir, user, collections, triggers, log);
    // ends with the timer; a poll that fails says so itself
    ScheduledFuture<?> unused =
        heads.timer.scheduleWithFixedDelay(heads::poll, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    return heads;
  }

  /** Reads every head; on the timer's thread only. */
  private void poll() {
    try {
      DirectoryLogStore open = store;
      if (open == null) {
        if (!Files.isDirectory(dir)) {
          // never created here: an empty mount point is not the store
          throw new IOException("the directory store " + dir + " is not there (not mounted?)");
        }
        open = DirectoryLogStore.open(dir, user);
        store = open;
        watchFiles(open.root());
      }
      for (String collection : collections) {
        triggers.remoteHead(collection, open.head(collection));
      }
      if (failing) {
        failing = false;
        log.info("the directory store " + dir + " can be read again");
        triggers.storeReachable();
      }
    } catch (IOException | RuntimeException e) {
      if (!failing) {
        failing = true;
        log.error(
            "cannot read the heads of the directory store "
                + dir
                + ": "
                + e.getMessage()
                + "; trying again every "
                + POLL.toSeconds()
                + " s");
      }
    }
  }

  private void watchFiles(Path root) {
    Path users = root.resolve("users");
    Runnable check =
        () -> {
          if (pollQueued.compareAndSet(false, true)) {
            try {
              timer.execute(() -> {
                pollQueued.set(false);
                poll();
              });
            } catch (RejectedExecutionException closing) {
              // closed meanwhile: no more polls
            }
          }
        };
    events =
        WatchFolders.start(
            List.of(new WatchFolders.Root("store", users, true, changed -> true, check)), log);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    WatchFolders watching = events;
    if (watching != null) {
      watching.close();
    }
    DirectoryLogStore open = store;
    if (open != null) {
      open.close();
    }
  }
}
