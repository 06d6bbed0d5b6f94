package dev.deltasync.cli;

import dev.deltasync.engine.SyncResult;
import dev.deltasync.format.ChangeLogFormatException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Keeps every (or the named) collection of a home in sync until {@link #stop()}: one sync of each
 * at start, then a sync of a collection whenever its local data changes (debounced), the store has
 * a newer log for it, or it has not synced for the rescan period ({@link WatchTriggers}).
 *
 * <p>Syncs run one at a time, on the thread that called {@link #execute()}, each a {@link
 * SyncCollectionsOperation} of one collection: the home's lock and the server's lease are held
 * during that sync only, so {@code deltasync status} and the other commands work in between. When
 * another process holds the home's lock, the sync waits for it. A failed sync is reported and
 * retried after a growing pause; the watcher goes on.
 */
final class WatchOperation {
  /** Local changes must pause this long before a sync... */
  static final Duration QUIET = Duration.ofMillis(250);

  /** ...but wait at most this long. */
  static final Duration MAX_DELAY = Duration.ofSeconds(1);

  /** How often a sync checks again whether the home's lock is free. */
  static final Duration LOCK_RETRY = Duration.ofSeconds(1);

  /**
   * @param home the device's home
   * @param collections the collections to watch; empty for all
   * @param rescan the longest time a collection goes without a sync
   * @param log where the output goes
   */
  record Options(Home home, List<String> collections, Duration rescan, WatchLog log) {}

  /**
   * @param syncs syncs that succeeded
   * @param failures syncs that failed
   */
  record Result(long syncs, long failures) {}

  private final Options options;
  private final WatchLog log;
  private final CountDownLatch finished = new CountDownLatch(1);
  private @Nullable WatchTriggers triggers;
  private boolean stopping;
  private volatile @Nullable Thread worker;
  private final Set<String> reported = new LinkedHashSet<>();
  private final Map<String, List<String>> lastWarnings = new HashMap<>();
  private boolean waitingForLock;

  /** The collection whose sync runs now, for the line a stop prints; null between syncs. */
  private volatile @Nullable String syncing;

  private long syncs;
  private long failures;

  WatchOperation(Options options) {
    this.options = options;
    this.log = options.log();
  }

  /**
   * Watches and syncs until {@link #stop()}.
   *
   * @throws UserException when the home has not joined a store, binds no collection, or does not
   *     bind a named one
   */
  Result execute() throws IOException {
    worker = Thread.currentThread();
    try {
      return run();
    } catch (IOException | RuntimeException | Error e) {
      synchronized (this) {
        if (stopping) {
          // the shutdown hook ends the process once this returns: say what went wrong now
          log.internalError("stopping failed", e);
        }
      }
      throw e;
    } finally {
      worker = null;
      finished.countDown();
    }
  }

  @SuppressWarnings("try") // the remote trigger works while open, it is not used in the block
  private Result run() throws IOException {
    Home home = options.home();
    HomeConfig config = home.config();
    List<String> names = selected(config);
    WatchTriggers watched =
        new WatchTriggers(names, QUIET, MAX_DELAY, options.rescan(), System.nanoTime());
    for (String name : names) {
      LastSync last = LastSync.read(home, name);
      watched.cursor(name, last == null ? 0 : last.cursor());
    }
    synchronized (this) {
      if (stopping) {
        return new Result(0, 0);
      }
      triggers = watched;
    }
    List<WatchFolders.Root> roots = new ArrayList<>();
    for (String name : names) {
      HomeConfig.Binding binding = Objects.requireNonNull(config.collections().get(name));
      roots.add(
          WatchFolders.forCollection(
              name, binding, home.dir(), () -> watched.localChange(name, System.nanoTime())));
    }
    try (WatchFolders folders = WatchFolders.start(roots, log);
        Remote remote = startRemote(home, config, names, watched)) {
      log.info(
          "watching "
              + String.join(", ", names)
              + " of "
              + home.dir()
              + ": file events in "
              + (folders.watched().isEmpty() ? "none" : folders.watched())
              + ", "
              + describe(config.store())
              + ", a rescan every "
              + options.rescan().toSeconds()
              + " s");
      while (true) {
        WatchTriggers.Work work;
        try {
          work = watched.take(System::nanoTime);
        } catch (InterruptedException e) {
          break; // abandoned
        }
        if (work == null) {
          break;
        }
        if (sync(work, watched)) {
          folders.revive(work.collection());
        }
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
      }
    }
    log.info("stopped");
    return new Result(syncs, failures);
  }

  /**
   * Ends {@link #execute()}: a running sync finishes first. Returns at once; {@link #awaitFinished}
   * waits.
   */
  void stop() {
    WatchTriggers current;
    synchronized (this) {
      stopping = true;
      current = triggers;
    }
    String running = syncing;
    if (running != null) {
      log.info("stopping: letting the running sync of " + running + " finish");
    }
    if (current != null) {
      current.stop();
    }
  }

  /** After {@link #stop()}: interrupts a sync that takes too long; the next sync resumes it. */
  void abandon() {
    Thread thread = worker;
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** Whether {@link #execute()} has returned (or thrown) within {@code timeout}. */
  boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  boolean finished() {
    return finished.getCount() == 0;
  }

  /** Runs one sync; returns whether it succeeded. */
  private boolean sync(WatchTriggers.Work work, WatchTriggers watched) {
    String name = work.collection();
    long start = System.nanoTime();
    if (homeBusy()) {
      watched.postponed(work, start, LOCK_RETRY);
      if (!waitingForLock) {
        waitingForLock = true;
        log.info(
            "waiting: another deltasync is working in the home "
                + options.home().dir()
                + "; syncing when it is done");
      }
      return false;
    }
    waitingForLock = false;
    try {
      SyncCollectionsOperation.Result result;
      syncing = name;
      try {
        result =
            new SyncCollectionsOperation(
                    new SyncCollectionsOperation.Options(options.home(), List.of(name), false))
                .execute();
      } finally {
        syncing = null;
      }
      SyncResult synced = Objects.requireNonNull(result.collections().get(name));
      watched.succeeded(name, synced.cursor(), System.nanoTime());
      syncs++;
      report(work, synced, System.nanoTime() - start);
      return true;
    } catch (IOException | RuntimeException e) {
      if (stoppedDuring(e)) {
        log.info(name + ": sync abandoned on the way out; the next sync resumes it");
        return false;
      }
      if (e instanceof UserException && homeBusy()) {
        watched.postponed(work, System.nanoTime(), LOCK_RETRY);
        return false;
      }
      failures++;
      reported.remove(name);
      Duration pause = watched.failed(work, System.nanoTime());
      String retry = "; trying again in " + pause.toSeconds() + " s";
      String message = message(e);
      if (message == null) {
        log.internalError(name + ": sync failed" + retry, e);
      } else {
        log.error(name + ": sync failed: " + message + retry);
      }
      return false;
    }
  }

  private boolean stoppedDuring(Exception e) {
    boolean interrupted =
        Thread.currentThread().isInterrupted()
            || e instanceof InterruptedIOException
            || e.getCause() instanceof InterruptedException;
    synchronized (this) {
      return interrupted && stopping;
    }
  }

  /**
   * One line when the sync did something, when it is the first of a collection, or the first after
   * a failure; warnings when they change.
   */
  private void report(WatchTriggers.Work work, SyncResult synced, long nanos) {
    String name = work.collection();
    boolean first = reported.add(name);
    if (first || synced.sent() > 0 || synced.applied() > 0 || synced.conflicts() > 0) {
      log.info(
          String.format(
              Locale.ROOT,
              "%s: sent %d, applied %d, conflicts %d, up %s, down %s, %d ms (%s)",
              name,
              synced.sent(),
              synced.applied(),
              synced.conflicts(),
              Bytes.format(synced.bytesUp()),
              Bytes.format(synced.bytesDown()),
              TimeUnit.NANOSECONDS.toMillis(nanos),
              work.reason()));
    }
    for (String copy : synced.conflictCopies()) {
      log.info(name + ": conflict copy: " + copy + " (see 'deltasync conflicts')");
    }
    for (String warning : synced.warnings()) {
      if (first || !lastWarnings.getOrDefault(name, List.of()).contains(warning)) {
        log.error(name + ": " + warning);
      }
    }
    lastWarnings.put(name, synced.warnings());
  }

  /** Whether another process holds the home's lock now. */
  @SuppressWarnings("try") // taking the lock is the probe
  private boolean homeBusy() {
    try (HomeLock probe = HomeLock.acquire(options.home(), "sync")) {
      return false;
    } catch (UserException e) {
      return true;
    } catch (IOException e) {
      return false; // the sync itself says what is wrong
    }
  }

  /** The message of an expected failure, as the command prints it; null for a bug. */
  private static @Nullable String message(Exception e) {
    if (e instanceof UserException || e instanceof ChangeLogFormatException) {
      return e.getMessage();
    }
    if (e instanceof IOException io) {
      return io.getMessage() != null && io.getClass().getName().startsWith("dev.deltasync.")
          ? io.getMessage()
          : io.toString();
    }
    return null;
  }

  /** What tells of new logs in the store; closing it stops it. */
  interface Remote extends AutoCloseable {
    @Override
    void close();
  }

  private Remote startRemote(
      Home home, HomeConfig config, List<String> names, WatchTriggers watched) throws IOException {
    return switch (config.store()) {
      case HomeConfig.StoreLocation.Server server ->
          WatchPushChannel.start(home, server.url(), Set.copyOf(names), watched, log);
      case HomeConfig.StoreLocation.Directory directory ->
          WatchStoreHeads.start(directory.path(), config.user(), names, watched, log);
    };
  }

  private static String describe(HomeConfig.StoreLocation store) {
    return switch (store) {
      case HomeConfig.StoreLocation.Server server -> "the push channel of " + server.url();
      case HomeConfig.StoreLocation.Directory directory ->
          "the heads of the directory store " + directory.path();
    };
  }

  private List<String> selected(HomeConfig config) {
    return SyncCollectionsOperation.select(
        config, options.home(), options.collections(), ", then watch");
  }
}
