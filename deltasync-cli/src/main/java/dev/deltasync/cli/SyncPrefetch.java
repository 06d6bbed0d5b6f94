package dev.deltasync.cli;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code sync} command needs before it can scan, started on a thread of its own while the
 * main thread builds the command line (picocli: about a tenth of a second of a one-second sync):
 * SQLite's native library ({@link NativeSqlite#prepare}), and the home's store opened ({@link
 * StoreAccess#open}: the HTTP client, and for a server the question where the data lives, another
 * tenth of a second). The sync takes it ({@link #take}) once it holds the home's lock.
 *
 * <p>Speculative, never a change of behaviour: it reads the same home the parsed command resolves
 * (checked when taken), writes nothing, and what it failed with is what the sync would have failed
 * with at the same step, so {@link #take} throws that. When it is for another home or store, or
 * there is none (another command, the tests' in-process runs), the sync opens its store itself.
 */
final class SyncPrefetch {
  private static volatile @Nullable SyncPrefetch started;

  private final Home home;
  private final CompletableFuture<Opened> opened = new CompletableFuture<>();

  /** The store opened, with the store location of the configuration it was opened from. */
  private record Opened(StoreAccess access, HomeConfig.StoreLocation location) {}

  private SyncPrefetch(Home home) {
    this.home = home;
  }

  /**
   * Starts it when {@code args} run {@code sync} (the process's own arguments, from {@code main});
   * otherwise prepares SQLite's native library here, as every command needs.
   */
  static void startFor(String[] args) {
    if (!"sync".equals(Main.subcommandIn(args))) {
      NativeSqlite.prepare();
      return;
    }
    SyncPrefetch prefetch = new SyncPrefetch(Home.resolve(homeOption(args)));
    started = prefetch;
    Thread.ofPlatform()
        .name("deltasync-prefetch")
        .daemon()
        .start(() -> {
          try {
            NativeSqlite.prepare();
            HomeConfig config = prefetch.home.config();
            prefetch.opened.complete(
                new Opened(StoreAccess.open(prefetch.home, config), config.store()));
          } catch (Exception | Error e) {
            prefetch.opened.completeExceptionally(e);
          }
        });
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
   * The store opened ahead for {@code home} with the store location in {@code config}, waiting for
   * it; null when nothing was started, or for another home or store (then closed). Taken once.
   *
   * @throws java.io.IOException or an unchecked exception: what opening the store failed with
   */
  static @Nullable StoreAccess take(Home home, HomeConfig config) throws java.io.IOException {
    SyncPrefetch prefetch = started;
    started = null;
    if (prefetch == null) {
      return null;
    }
    Opened opened;
    try {
      opened = prefetch.opened.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while opening the store");
    } catch (ExecutionException e) {
      if (!prefetch.home.dir().equals(home.dir())) {
        return null; // of another home: the sync opens its own
      }
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      switch (cause) {
        case java.io.IOException io -> throw io;
        case RuntimeException unchecked -> throw unchecked;
        case Error error -> throw error;
        default -> throw new java.io.IOException(cause);
      }
    }
    if (!prefetch.home.dir().equals(home.dir()) || !opened.location().equals(config.store())) {
      opened.access().close();
      return null;
    }
    return opened.access();
  }
}
