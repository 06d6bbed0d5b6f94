package dev.deltasync.engine.store;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A separate process for {@link DirectoryLogStoreConcurrencyTest}: appends {@code count} logs with
 * ids {@code (writer, 1..count)} to one collection, retrying each on a moved head, and checks that
 * re-sending each log is answered as a duplicate. Starts when the file {@code go} appears (so that
 * all workers run at once), prints how often its head had moved, and exits 0 when all went as the
 * contract says.
 *
 * <p>Arguments: store root, user, collection, writer number, count, go file.
 */
public final class AppendWorker {
  private AppendWorker() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String user = args[1];
    String collection = args[2];
    long writer = Long.parseLong(args[3]);
    int count = Integer.parseInt(args[4]);
    Path go = Path.of(args[5]);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(go) && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    int[] moved = {0};
    try (DirectoryLogStore store = DirectoryLogStore.open(root, user)) {
      for (int i = 1; i <= count; i++) {
        byte[] log = TestLogs.log(user, collection, TestLogs.id(writer, i));
        long sequence = appendRetrying(store, collection, log, moved);
        AppendResult again = store.append(collection, 0, log);
        if (!again.equals(new AppendResult.Appended(sequence, true))) {
          System.err.println("retry of log " + i + " at " + sequence + " answered " + again);
          System.exit(3);
        }
      }
    }
    System.out.println("worker " + writer + ": head moved " + moved[0] + " times");
  }

  /**
   * Appends at the current head until it lands; returns its sequence and counts lost races in
   * {@code moved[0]}.
   */
  static long appendRetrying(LogStore store, String collection, byte[] log, int[] moved)
      throws Exception {
    while (true) {
      long head = store.head(collection);
      AppendResult result = store.append(collection, head, log);
      if (result instanceof AppendResult.HeadMoved) {
        moved[0]++;
      } else if (result instanceof AppendResult.Appended appended) {
        if (appended.duplicate()) {
          throw new AssertionError("first append of a log was answered as a duplicate");
        }
        return appended.sequence();
      }
    }
  }
}
