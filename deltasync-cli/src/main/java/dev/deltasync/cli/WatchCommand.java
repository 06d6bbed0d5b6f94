package dev.deltasync.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code deltasync watch [COLLECTION...]}: sync whenever something changes, until stopped. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Keeps every (or the named) collection in sync until stopped: syncs once at start, then"
          + " whenever local files change, the store has something new (the server's push"
          + " channel, or the heads of a directory store), and every --rescan-seconds. Output"
          + " (one line per sync that did something, and errors) goes to stderr. SIGTERM or"
          + " Ctrl-C lets the running sync finish and exits with code 0. See docs/watch.md."
    })
final class WatchCommand implements Callable<Integer> {
  /** How long SIGTERM waits for a running sync before abandoning it (safe: the next resumes). */
  static final Duration STOP_GRACE = Duration.ofSeconds(30);

  @Spec CommandSpec spec = CommandSpec.create();

  @ParentCommand @Nullable DeltasyncCommand parent;

  @Parameters(paramLabel = "COLLECTION", arity = "0..*", description = "default: all")
  List<String> collections = new ArrayList<>();

  @Option(
      names = "--rescan-seconds",
      paramLabel = "N",
      description = "sync each collection at least every N seconds, changes or not (default 300)")
  long rescanSeconds = 300;

  @Option(names = "--quiet", description = "print errors only")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    if (rescanSeconds < 1 || rescanSeconds > 366L * 24 * 3600) {
      throw new UserException(
          "--rescan-seconds must be from 1 to a year (31622400), not "
              + rescanSeconds
              + " (default 300)",
          ErrorHandler.EXIT_BAD_INPUT);
    }
    Home home = parent == null ? Home.resolve(null) : parent.home();
    PrintWriter err = spec.commandLine().getErr();
    WatchOperation watch =
        new WatchOperation(
            new WatchOperation.Options(
                home, collections, Duration.ofSeconds(rescanSeconds), new WatchLog(err, quiet)));
    Thread stopper =
        Thread.ofPlatform().name("watch-stop").unstarted(() -> stopOnSignal(watch, err));
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      watch.execute();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException shuttingDown) {
        // SIGTERM or SIGINT: the hook ends the process once the watcher has stopped
      }
    }
    return 0;
  }

  /**
   * The shutdown hook: on SIGTERM or SIGINT, stops the watcher, lets a running sync finish (or
   * abandons it after {@link #STOP_GRACE}: a sync that stops half-way is resumed by the next one)
   * and ends the process with exit code 0 — the JVM would otherwise exit with 143 or 130, which
   * service managers count as a failure. The home's lock is released by then (the process ends);
   * the server lease of a sync that was abandoned is not released, and lapses after its TTL (the
   * next sync of this device takes it over at once; another device waits for the TTL).
   */
  private static void stopOnSignal(WatchOperation watch, PrintWriter err) {
    if (watch.finished()) {
      return; // the process ends for another reason; its exit code stands
    }
    watch.stop();
    try {
      if (!watch.awaitFinished(STOP_GRACE)) {
        err.println(
            "watch: the running sync did not finish within "
                + STOP_GRACE.toSeconds()
                + " s of the signal: abandoning it; the next sync resumes it");
        err.flush();
        watch.abandon();
        watch.awaitFinished(Duration.ofSeconds(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.flush();
    Runtime.getRuntime().halt(0);
  }
}
