package dev.deltasync.cli;

import java.io.PrintWriter;

/**
 * The watcher's output: lines on stderr, each starting with {@code watch: }, flushed at once so
 * that journald and a terminal see them as they happen (journald adds the time). With {@code
 * --quiet} only errors are written.
 */
final class WatchLog {
  private final PrintWriter err;
  private final boolean quiet;

  WatchLog(PrintWriter err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
  }

  /** What happened; not written when quiet. */
  synchronized void info(String line) {
    if (!quiet) {
      write(line);
    }
  }

  /** Something that went wrong; always written. */
  synchronized void error(String line) {
    write(line);
  }

  /** An error with a stack trace: a bug, to be reported. */
  synchronized void internalError(String line, Throwable e) {
    write(line + "; internal error, please report it with this trace:");
    e.printStackTrace(err);
    err.flush();
  }

  private void write(String line) {
    err.println("watch: " + line);
    err.flush();
  }
}
