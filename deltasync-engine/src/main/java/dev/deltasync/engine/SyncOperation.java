package dev.deltasync.engine;

import dev.deltasync.engine.internal.SyncRun;
import java.io.IOException;

/**
 * One two-way sync of one collection: scan, diff, pull, reconcile, apply, push, commit (DESIGN.md,
 * "Data flow of one sync"). The command line, the watcher and the server-backed store all use this
 * operation unchanged.
 *
 * <p>A failure or crash at any point leaves local data, snapshot and store consistent: the next
 * sync resumes and converges. Not thread-safe; run one sync per snapshot at a time.
 */
public final class SyncOperation {
  private final SyncOptions options;

  public SyncOperation(SyncOptions options) {
    this.options = options;
  }

  /**
   * Runs the sync.
   *
   * @throws SyncException when the sync refuses to go on (the message says why)
   * @throws IOException when local data, the snapshot or the store fails; nothing was committed
   */
  public SyncResult execute() throws IOException {
    return new SyncRun(options).run();
  }
}
