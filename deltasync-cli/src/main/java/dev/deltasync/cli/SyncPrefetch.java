package dev.deltasync.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code sync} command needs before it can scan, started on a thread of its own while the
 * main thread builds the command line (picocli: about a tenth of a second of a one-second sync):
 * SQLite's native library ({@link NativeSqlite#prepare}), and for a home joined to a server its
 * store opened ({@link StoreAccess#open}: the HTTP client and the server's answer where the data
 * lives, another tenth of a second). The sync takes the store ({@link #take}) once it holds the
 * home's lock.
 *
 * <p>Speculative, never a change of behaviour: it reads the home the parsed command resolves
 * (checked when taken, with its configuration and device token), writes nothing (a directory store,
 * whose opening may write, is left to the sync), and what it failed with is what the sync would
 * have failed with at the same step, so {@link #take} throws that. When it is for another home,
 * configuration or token, or there is none (another command, the tests' in-process runs), the sync
 * opens its store itself.
 */
final class SyncPrefetch {
  private static final AtomicReference<@Nullable SyncPrefetch> STARTED = new AtomicReference<>();

  private final Home home;
  private final CompletableFuture<Boolean> prepared = new CompletableFuture<>();
  private final CompletableFuture<Opened> opened = new CompletableFuture<>();

  /** What the store was opened from, and the store; no store for a directory store. */
  private record Opened(HomeConfig config, @Nullable String token, @Nullable StoreAccess access) {}

  private SyncPrefetch(Home home) {
    this.home = home;
  }

  /**
   * Starts it when {@code args} run {@code sync} (the process's own arguments, from {@code main});
   * otherwise prepares SQLite's native library here, as every command needs.
   */
  static void startFor(String[] args) {
    SyncPrefetch prefetch;
    try {
      if (!"sync".equals(Main.subcommandIn(args))) {
        NativeSqlite.prepare();
        return;
      }
      prefetch = new SyncPrefetch(Home.resolve(homeOption(args)));
    } catch (RuntimeException e) { // a --home that is no path: picocli says so
      NativeSqlite.prepare();
      return;
    }
    STARTED.set(prefetch);
    Thread.ofPlatform().name("deltasync-prefetch").daemon().start(prefetch::run);
  }

  private void run() {
    try {
      NativeSqlite.prepare();
    } finally {
      prepared.complete(true);
    }
    try {
      HomeConfig config = home.config();
      if (!(config.store() instanceof HomeConfig.StoreLocation.Server)) {
        opened.complete(new Opened(config, null, null));
        return;
      }
      String token = home.deviceToken();
      opened.complete(new Opened(config, token, StoreAccess.open(home, config)));
    } catch (Exception | Error e) {
      opened.completeExceptionally(e);
    }
  }

  /** The value of {@code --home} before the command's name, as picocli reads it; null without. */
  static @Nullable Path homeOption(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--home")) {
        return i + 1 < args.length ? Path.of(args[i + 1]) : null;
      }
      if (arg.startsWith("--home=")) {
        return Path.of(arg.substring("--home=".length()));
      }
      if (!arg.startsWith("-")) {
        return null; // the command's name: options after it are the command's own
      }
    }
    return null;
  }

  /**
   * Waits until SQLite's native library is prepared, when a prefetch is preparing it: before this
   * process's first use of SQLite.
   */
  static void awaitNativeLibrary() throws IOException {
    SyncPrefetch prefetch = STARTED.get();
    if (prefetch != null) {
      await(prefetch.prepared);
    }
  }

  /** Waits until the started prefetch has opened its store or failed (for tests). */
  static void awaitOpened() {
    SyncPrefetch prefetch = STARTED.get();
    if (prefetch != null) {
      prefetch.opened.handle((result, failure) -> null).join();
    }
  }

  /**
   * The store opened ahead for {@code home} with {@code config} (and the device token it has now),
   * waiting for it; null when nothing was started, or for another home, configuration or token
   * (then closed), or for a directory store. Taken once.
   *
   * @throws IOException or an unchecked exception: what opening the store failed with, when it was
   *     for this home
   */
  static @Nullable StoreAccess take(Home home, HomeConfig config) throws IOException {
    SyncPrefetch prefetch = STARTED.getAndSet(null);
    if (prefetch == null) {
      return null;
    }
    boolean sameHome = prefetch.home.dir().equals(home.dir());
    Opened opened;
    try {
      opened = await(prefetch.opened);
    } catch (IOException | RuntimeException | Error e) {
      if (!sameHome) {
        return null; // of another home: the sync opens its own
      }
      throw e;
    }
    StoreAccess access = opened.access();
    if (access == null) {
      return null;
    }
    if (!sameHome
        || !opened.config().equals(config)
        || !home.deviceToken().equals(opened.token())) {
      access.close(); // joined again meanwhile, or another home: the sync opens its own
      return null;
    }
    return access;
  }

  private static <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while opening the store");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      switch (cause) {
        case IOException io -> throw io;
        case RuntimeException unchecked -> throw unchecked;
        case Error error -> throw error;
        default -> throw new IOException(cause);
      }
    }
  }
}
