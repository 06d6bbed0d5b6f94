package dev.deltasync.server.backend.embedded;

import dev.deltasync.server.backend.AppendOutcome;
import dev.deltasync.server.backend.AppendRequest;
import dev.deltasync.server.backend.BackendException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Appends many change logs in one transaction: one thread takes the appends waiting in a queue (up
 * to {@link #MAX_BATCH}), applies them one after another in one {@code BEGIN IMMEDIATE} transaction
 * and commits once, so concurrent appenders share one fsync. Each append still sees the ones before
 * it (compare-and-set and idempotency hold within a batch). When a batch fails, its appends are
 * retried one per transaction, so one bad append fails alone.
 */
final class GroupCommit implements AutoCloseable {
  static final int MAX_BATCH = 256;

  /** Applies one append inside the open transaction. */
  interface Step {
    AppendOutcome apply(Connection connection, AppendRequest request) throws SQLException;
  }

  private record Pending(AppendRequest request, CompletableFuture<AppendOutcome> result) {}

  private final Database database;
  private final Step step;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

  GroupCommit(Database database, Step step) {
    this.database = database;
    this.step = step;
    this.writer = Thread.ofPlatform().daemon().name("deltasync-group-commit").start(this::run);
  }

  AppendOutcome submit(AppendRequest request) throws BackendException {
    if (closed) {
      throw new BackendException("the server is shutting down");
    }
    CompletableFuture<AppendOutcome> result = new CompletableFuture<>();
    queue.add(new Pending(request, result));
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted while appending", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BackendException backend) {
        throw backend;
      }
      throw new BackendException("append failed: " + e.getCause(), e);
    }
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        commit(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        batch.forEach(p -> p.result().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
    Pending left;
    while ((left = queue.poll()) != null) {
      left.result().completeExceptionally(new BackendException("the server is shutting down"));
    }
  }

  private void commit(List<Pending> batch) {
    try {
      List<AppendOutcome> outcomes =
          database.write(c -> {
            List<AppendOutcome> all = new ArrayList<>(batch.size());
            for (Pending pending : batch) {
              all.add(step.apply(c, pending.request()));
            }
            return all;
          });
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(outcomes.get(i));
      }
    } catch (BackendException e) {
      if (batch.size() == 1) {
        batch.get(0).result().completeExceptionally(e);
        return;
      }
      for (Pending pending : batch) {
        commit(List.of(pending));
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
