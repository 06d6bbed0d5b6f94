package dev.deltasync.cli;

import dev.deltasync.client.ClientOptions;
import dev.deltasync.client.HttpLogStore;
import dev.deltasync.client.Lease;
import dev.deltasync.client.LeaseHeldException;
import dev.deltasync.client.ServerClient;
import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.engine.store.LogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The store a home joined, opened: a server (through {@link HttpLogStore}, with a lease per
 * collection while it syncs) or a directory store. Closing it closes the connections.
 */
final class StoreAccess implements AutoCloseable {
  /** A lease lasts this long unless renewed; it is renewed every third of it. */
  static final Duration LEASE_TTL = Duration.ofSeconds(60);

  /** How long a sync waits for another device's lease on a collection. */
  static final Duration LEASE_PATIENCE = Duration.ofSeconds(120);

  private final LogStore store;
  private final @Nullable ServerClient client;

  private StoreAccess(LogStore store, @Nullable ServerClient client) {
    this.store = store;
    this.client = client;
  }

  /**
   * Opens the home's store. For a server this asks where the user's data lives, so an unreachable
   * server or a revoked device fails here, before anything local is touched.
   */
  static StoreAccess open(Home home, HomeConfig config) throws IOException {
    return switch (config.store()) {
      case HomeConfig.StoreLocation.Server server -> {
        ServerClient client =
            ServerClient.connect(
                ClientOptions.of(server.url()).withDeviceToken(home.deviceToken()));
        try {
          yield new StoreAccess(HttpLogStore.open(client), client);
        } catch (IOException | RuntimeException e) {
          client.close();
          throw e;
        }
      }
      case HomeConfig.StoreLocation.Directory directory -> {
        if (!Files.isDirectory(directory.path())) {
          throw new UserException(
              "the directory store "
                  + directory.path()
                  + " is not there: if it is on a disk that is not mounted, mount it and try"
                  + " again. Nothing was changed.");
        }
        yield new StoreAccess(DirectoryLogStore.open(directory.path(), config.user()), null);
      }
    };
  }

  LogStore store() {
    return store;
  }

  /**
   * Runs {@code work} with the store it should use for {@code collection}: on a server, a view
   * whose appends carry the fencing number of a lease held (and renewed) for the duration.
   */
  <T> T underLease(String collection, StoreWork<T> work) throws IOException {
    ServerClient server = client;
    if (server == null || !(store instanceof HttpLogStore http)) {
      return work.run(store);
    }
    Lease first = acquire(server, collection);
    LeaseKeeper keeper = new LeaseKeeper(server, first);
    try {
      return work.run(http.withLease(first));
    } finally {
      keeper.close();
    }
  }

  /** Takes the lease, waiting while another device holds it, up to {@link #LEASE_PATIENCE}. */
  private static Lease acquire(ServerClient server, String collection) throws IOException {
    long deadline = System.nanoTime() + LEASE_PATIENCE.toNanos();
    while (true) {
      try {
        return server.acquireLease(collection, LEASE_TTL);
      } catch (LeaseHeldException held) {
        long waitMillis = Math.min(5000, Math.max(200, held.retryAfter().toMillis()));
        if (System.nanoTime() + waitMillis * 1_000_000 > deadline) {
          throw new UserException(
              "another device has been syncing collection \""
                  + collection
                  + "\" for over "
                  + LEASE_PATIENCE.toSeconds()
                  + " s (it holds the lease); try again later");
        }
        try {
          Thread.sleep(waitMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while waiting for the lease");
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      store.close();
    } finally {
      if (client != null) {
        client.close();
      }
    }
  }

  /** Work that uses a store. */
  interface StoreWork<T> {
    T run(LogStore store) throws IOException;
  }

  /** Renews a lease in the background until closed, then releases it. */
  private static final class LeaseKeeper implements AutoCloseable {
    private final ServerClient server;
    private final ScheduledExecutorService timer;
    private volatile Lease lease;

    LeaseKeeper(ServerClient server, Lease lease) {
      this.server = server;
      this.lease = lease;
      this.timer =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> Thread.ofPlatform().daemon().name("lease-renewal").unstarted(runnable));
      long every = LEASE_TTL.toMillis() / 3;
      timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    private void renew() {
      try {
        lease = server.renewLease(lease, LEASE_TTL);
      } catch (IOException | RuntimeException e) {
        // A lost lease shows up as a refused append (LeaseLostException): the sync fails cleanly.
      }
    }

    @Override
    public void close() {
      timer.shutdownNow();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        server.releaseLease(lease);
      } catch (IOException | RuntimeException e) {
        // It expires by itself.
      }
    }
  }
}
