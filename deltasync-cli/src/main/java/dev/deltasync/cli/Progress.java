package dev.deltasync.cli;

import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.SyncProgress.Phase;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Shows how far {@code deltasync sync} has come, on stderr so that stdout keeps only the result. On
 * a terminal ({@link Mode#BAR}) one line, redrawn at most {@link #REDRAWS_PER_SECOND} times a
 * second and cleared when a collection is done: per phase its items and bytes (of their totals when
 * known), its recent rate and, with totals, the time left. Elsewhere ({@link Mode#LINES}) one line
 * when a phase that counted something ends, and one every {@link #LINE_EVERY_NANOS} of a long
 * phase. {@link Mode#QUIET} shows nothing. Used from one thread at a time.
 */
final class Progress implements AutoCloseable {
  enum Mode {
    BAR,
    LINES,
    QUIET
  }

  static final int REDRAWS_PER_SECOND = 8;
  static final long LINE_EVERY_NANOS = 10_000_000_000L;
  private static final long REDRAW_NANOS = 1_000_000_000L / REDRAWS_PER_SECOND;

  private final Mode mode;
  private final PrintWriter err;
  private final LongSupplier nanoTime;
  private final int width;
  private int drawn; // the length of the bar on the terminal; 0 when there is none
  private long lastDraw;
  private boolean everDrawn;

  /**
   * @param err where to write
   * @param nanoTime the clock, as {@link System#nanoTime()}
   * @param width the terminal's width: a bar is cut to one less, so that it never wraps
   */
  Progress(Mode mode, PrintWriter err, LongSupplier nanoTime, int width) {
    this.mode = mode;
    this.err = err;
    this.nanoTime = nanoTime;
    this.width = width;
  }

  /** Progress on {@code err}: nothing when quiet, a bar when stderr is a terminal, else lines. */
  static Progress toStderr(PrintWriter err, boolean quiet) {
    Mode mode = quiet ? Mode.QUIET : stderrIsTerminal() ? Mode.BAR : Mode.LINES;
    return new Progress(mode, err, System::nanoTime, terminalWidth());
  }

  /**
   * Whether stderr is a terminal that can redraw a line. Java tells only whether stdin and stdout
   * are ({@link Terminal#isInteractive()}); on Linux the link {@code /proc/self/fd/2} tells about
   * stderr, elsewhere stderr is taken to go where stdout goes.
   */
  static boolean stderrIsTerminal() {
    if (!Terminal.isInteractive() || "dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Path fd = Path.of("/proc/self/fd/2");
    try {
      String target = Files.readSymbolicLink(fd).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      return true;
    }
  }

  private static int terminalWidth() {
    try {
      String columns = System.getenv("COLUMNS");
      return columns == null ? 80 : Math.max(20, Integer.parseInt(columns.trim()));
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /** A listener for the sync of one collection; one collection's sync at a time. */
  SyncProgress collection(String name) {
    return mode == Mode.QUIET ? SyncProgress.NONE : new Listener(name);
  }

  /** Clears the bar, if one is shown. */
  @Override
  public void close() {
    clear();
  }

  private final class Listener implements SyncProgress {
    private final String name;
    private final Map<Phase, ProgressMeter> meters = new EnumMap<>(Phase.class);
    private final Map<Phase, Long> lastLine = new EnumMap<>(Phase.class);

    Listener(String name) {
      this.name = name;
    }

    @Override
    public void start(Phase phase, long totalItems, long totalBytes) {
      long now = nanoTime.getAsLong();
      meters.put(phase, new ProgressMeter(now, totalItems, totalBytes));
      lastLine.put(phase, now);
    }

    @Override
    public void total(Phase phase, long totalItems, long totalBytes) {
      ProgressMeter meter = meters.get(phase);
      if (meter != null) {
        meter.total(totalItems, totalBytes);
      }
    }

    @Override
    public void advance(Phase phase, long items, long bytes) {
      ProgressMeter meter = meters.get(phase);
      if (meter == null) {
        return;
      }
      long now = nanoTime.getAsLong();
      meter.advance(now, items, bytes);
      if (mode == Mode.BAR) {
        if (!everDrawn || now - lastDraw >= REDRAW_NANOS) {
          draw(bar(name, meters, now), now);
        }
      } else if (now - lastLine.getOrDefault(phase, now) >= LINE_EVERY_NANOS) {
        lastLine.put(phase, now);
        line(name + ": " + ongoing(phase) + " " + describe(phase, meter, now));
      }
    }

    @Override
    public void end(Phase phase) {
      ProgressMeter meter = meters.remove(phase);
      if (meter == null) {
        return;
      }
      long now = nanoTime.getAsLong();
      if (mode == Mode.LINES) {
        if (meter.counted()) {
          line(name + ": " + done(phase) + " " + summary(phase, meter, now));
        }
      } else if (meters.isEmpty()) {
        clear();
      }
    }
  }

  private void line(String text) {
    err.println("sync " + text);
    err.flush();
  }

  private void draw(String text, long now) {
    String shown = text.length() < width ? text : text.substring(0, width - 1);
    err.print("\r" + shown + " ".repeat(Math.max(0, drawn - shown.length())));
    err.flush();
    drawn = shown.length();
    lastDraw = now;
    everDrawn = true;
  }

  private void clear() {
    if (drawn > 0) {
      err.print("\r" + " ".repeat(drawn) + "\r");
      err.flush();
      drawn = 0;
    }
  }

  /** The bar: every phase that counted something, in the order of a sync. */
  static String bar(String name, Map<Phase, ProgressMeter> meters, long now) {
    StringBuilder text = new StringBuilder(name).append(':');
    String separator = " ";
    for (Map.Entry<Phase, ProgressMeter> e : meters.entrySet()) {
      if (e.getValue().counted()) {
        text.append(separator)
            .append(e.getKey().name().toLowerCase(Locale.ROOT))
            .append(' ')
            .append(describe(e.getKey(), e.getValue(), now));
        separator = " | ";
      }
    }
    return text.toString();
  }

  /** Items and bytes of their totals, the recent rate, and the time left when it is known. */
  static String describe(Phase phase, ProgressMeter meter, long now) {
    StringBuilder text = new StringBuilder(counts(phase, meter));
    if (meter.bytes() > 0) {
      text.append(", ").append(Bytes.format((long) meter.byteRate(now))).append("/s");
    } else {
      text.append(", ").append(String.format(Locale.ROOT, "%,.0f/s", meter.itemRate(now)));
    }
    long left = meter.secondsLeft(now);
    if (left >= 0) {
      text.append(", ETA ").append(clock(left));
    }
    return text.toString();
  }

  /** A phase that ended: what it counted and how long it took. */
  static String summary(Phase phase, ProgressMeter meter, long now) {
    double seconds = (now - meter.started) / 1e9;
    return counts(phase, meter)
        + " in "
        + (seconds < 60
            ? String.format(Locale.ROOT, "%.1f s", seconds)
            : clock(Math.round(seconds)));
  }

  private static String counts(Phase phase, ProgressMeter meter) {
    StringBuilder text = new StringBuilder();
    if (meter.items() > 0 || meter.bytes() == 0) {
      text.append(String.format(Locale.ROOT, "%,d", meter.items()));
      if (meter.totalItems >= 0) {
        text.append(String.format(Locale.ROOT, " of %,d", meter.totalItems));
      }
      text.append(' ').append(noun(phase, meter.items()));
    }
    if (meter.bytes() > 0) {
      text.append(text.isEmpty() ? "" : ", ").append(Bytes.format(meter.bytes()));
      if (meter.totalBytes >= 0) {
        text.append(" of ").append(Bytes.format(meter.totalBytes));
      }
    }
    return text.toString();
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
  static String clock(long seconds) {
    return seconds < 3600
        ? String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60)
        : String.format(
            Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }

  private static String noun(Phase phase, long count) {
    String noun =
        switch (phase) {
          case SCAN -> "item";
          case UPLOAD, APPLY -> "change";
          case DOWNLOAD -> "log";
        };
    return count == 1 ? noun : noun + "s";
  }

  private static String done(Phase phase) {
    return switch (phase) {
      case SCAN -> "scanned";
      case UPLOAD -> "uploaded";
      case DOWNLOAD -> "downloaded";
      case APPLY -> "applied";
    };
  }

  private static String ongoing(Phase phase) {
    return switch (phase) {
      case SCAN -> "scanning";
      case UPLOAD -> "uploading";
      case DOWNLOAD -> "downloading";
      case APPLY -> "applying";
    };
  }
}
