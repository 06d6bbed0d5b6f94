package dev.deltasync.cli;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import io.methvin.watcher.visitor.FileTreeVisitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Watches directories for changes with directory-watcher (inotify on Linux, FSEvents on macOS, the
 * JDK's watch service elsewhere), each on a daemon thread of its own, and calls a root's {@code
 * onChange} for every event that matters to it. A root that cannot be watched (not there, too many
 * inotify watches) is reported once; {@link #revive} tries it again.
 *
 * <p>Thread-safe.
 */
final class WatchFolders implements AutoCloseable {
  /** Names of the folder source's own files: never a reason to sync. */
  private static final String MARKER = ".deltasync";

  private static final String KEPT = ".deltasync-kept";
  private static final String TEMP_PREFIX = ".deltasync-tmp-";

  /**
   * A directory to watch.
   *
   * @param name what it is, for messages and the thread's name: a collection, or the store
   * @param dir the directory, absolute
   * @param recursive with every directory below it, present and future
   * @param relevant which changed paths (absolute) are a reason to call {@code onChange}
   * @param onChange called on the watcher's thread; must return quickly
   */
  record Root(
      String name, Path dir, boolean recursive, Predicate<Path> relevant, Runnable onChange) {}

  private final WatchLog log;
  private final Map<Root, @Nullable Running> running = new LinkedHashMap<>();
  private boolean closed;

  private WatchFolders(WatchLog log) {
    this.log = log;
  }

  /** Starts watching every root it can; reports the others. */
  static WatchFolders start(List<Root> roots, WatchLog log) {
    WatchFolders folders = new WatchFolders(log);
    for (Root root : roots) {
      folders.running.put(root, folders.startOne(root));
    }
    return folders;
  }

  /**
   * The root of a bound collection: a folder (or a directory of records) with everything below it,
   * or the directory of a single file, where only that file counts. The source's own files and the
   * home's files never count.
   */
  static Root forCollection(String name, HomeConfig.Binding binding, Path home, Runnable onChange) {
    Path path = binding.path();
    boolean singleFile =
        Files.isRegularFile(path) || (!binding.type().equals("folder") && !Files.isDirectory(path));
    if (singleFile && path.getParent() != null) {
      return new Root(name, path.getParent(), false, path::equals, onChange);
    }
    return new Root(name, path, true, changed -> counts(path, home, changed), onChange);
  }

  /** Whether a change at {@code changed} in the folder {@code root} is a reason to sync. */
  static boolean counts(Path root, Path home, Path changed) {
    if (changed.startsWith(home)) {
      return false;
    }
    Path file = changed.getFileName();
    if (file == null) {
      return true;
    }
    String name = file.toString();
    if (name.startsWith(TEMP_PREFIX)) {
      return false;
    }
    return !((name.equals(MARKER) || name.equals(KEPT)) && root.equals(changed.getParent()));
  }

  /** Watches the roots named {@code name} again whose watching ended or never started. */
  synchronized void revive(String name) {
    if (closed) {
      return;
    }
    for (Map.Entry<Root, @Nullable Running> entry : running.entrySet()) {
      Running current = entry.getValue();
      if (entry.getKey().name().equals(name) && (current == null || current.ended())) {
        if (current != null) {
          current.close();
        }
        entry.setValue(startOne(entry.getKey()));
        if (entry.getValue() != null) {
          log.info("watching " + entry.getKey().dir() + " for changes again");
        }
      }
    }
  }

  /** The roots watched now. */
  synchronized List<Path> watched() {
    List<Path> dirs = new ArrayList<>();
    for (Map.Entry<Root, @Nullable Running> entry : running.entrySet()) {
      Running current = entry.getValue();
      if (current != null && !current.ended()) {
        dirs.add(entry.getKey().dir());
      }
    }
    return dirs;
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Running current : running.values()) {
      if (current != null) {
        current.close();
      }
    }
  }

  private @Nullable Running startOne(Root root) {
    if (!Files.isDirectory(root.dir())) {
      log.error(
          "cannot watch "
              + root.dir()
              + " ("
              + root.name()
              + ") for changes: it is not there; trying again after the next sync that works");
      return null;
    }
    DirectoryWatcher watcher;
    try {
      watcher =
          DirectoryWatcher.builder()
              .path(root.dir())
              .fileHashing(false)
              .fileTreeVisitor(
                  root.recursive()
                      ? FileTreeVisitor.DEFAULT_FILE_TREE_VISITOR
                      : onlyTheDirectory(root.dir()))
              .listener(new Listener(root))
              .build();
    } catch (IOException | RuntimeException e) {
      reportCannotWatch(root, e);
      return null;
    }
    CompletableFuture<Void> loop =
        watcher.watchAsync(
            task -> Thread.ofPlatform().daemon().name("watch-" + root.name()).start(task));
    if (loop.isCompletedExceptionally()) {
      Throwable cause = loop.exceptionNow();
      closeQuietly(watcher);
      reportCannotWatch(root, cause);
      return null;
    }
    return new Running(watcher, loop);
  }

  private void reportCannotWatch(Root root, Throwable e) {
    Throwable cause = e;
    while ((cause instanceof ExecutionException || cause instanceof java.io.UncheckedIOException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    String hint =
        why.contains("inotify")
            ? "; raise the limit in /proc/sys/fs/inotify/max_user_watches (see docs/watch.md)"
            : "";
    log.error(
        "cannot watch "
            + root.dir()
            + " ("
            + root.name()
            + ") for changes: "
            + why
            + hint
            + "; changes there are found by the rescan only");
  }

  /** Registers the directory itself and nothing below it. */
  private static FileTreeVisitor onlyTheDirectory(Path dir) {
    return (path, onDirectory, onFile) -> {
      if (path.equals(dir)) {
        onDirectory.call(path);
      }
    };
  }

  private static void closeQuietly(DirectoryWatcher watcher) {
    try {
      watcher.close();
    } catch (IOException e) {
      // closing a watch service that failed: nothing more to do
    }
  }

  /** A started watcher and its event loop. */
  private record Running(DirectoryWatcher watcher, CompletableFuture<Void> loop) {
    boolean ended() {
      return loop.isDone();
    }

    void close() {
      closeQuietly(watcher);
    }
  }

  /** Hands the events of one root on. */
  private final class Listener implements DirectoryChangeListener {
    private final Root root;
    private boolean failed;

    Listener(Root root) {
      this.root = root;
    }

    @Override
    public void onEvent(DirectoryChangeEvent event) {
      if (event.eventType() == DirectoryChangeEvent.EventType.OVERFLOW) {
        root.onChange().run(); // events were lost: the sync's scan finds what changed
        return;
      }
      Path path = event.path();
      if (path != null && root.relevant().test(path)) {
        root.onChange().run();
      }
    }

    @Override
    public void onException(Exception e) {
      if (!failed) {
        failed = true;
        log.error(
            "watching "
                + root.dir()
                + " ("
                + root.name()
                + ") failed: "
                + e
                + "; changes there may be found by the rescan only");
      }
    }
  }
}
