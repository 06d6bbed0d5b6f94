package dev.deltasync.bench;

import dev.deltasync.engine.ForwardingScanContext;
import dev.deltasync.engine.ForwardingSource;
import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.Source;
import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.sources.folder.FolderSource;
import dev.deltasync.testkit.InMemoryLogStore;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.jspecify.annotations.Nullable;

/**
 * Scenario (not JMH): the re-scan of an unchanged tree. It writes a tree of small files, syncs it
 * once with a {@link FolderSource}, then times syncs with nothing changed, next to {@code find DIR
 * -printf '%s %T@\n'} and a plain Java walk of the same tree (all warm: the tree is in the page
 * cache). The requirement it checks: a no-change re-scan of 100,000 files under 1 s warm on a
 * 2-core machine.
 *
 * <p>Usage: {@code RescanScenario DIR [FILES] [RUNS] [STORES] [--keep] [--reuse]}, where DIR must
 * be absent or empty, FILES defaults to 100000, RUNS (no-change syncs, each followed by a find and
 * a Java walk) to 5, and STORES to {@code memory,directory} ({@link InMemoryLogStore}, {@link
 * DirectoryLogStore}). DIR is deleted at the end unless {@code --keep}. With {@code --reuse}, a
 * tree kept in DIR by an earlier run with the same FILES is used again (its stores, snapshots and
 * the folder's marker are deleted first) instead of being written. With {@code -Drescan.jfr=FILE}
 * the no-change syncs of the first store are recorded with JFR's "profile" settings into FILE (the
 * tree generation and the first sync are not).
 *
 * <p>Each sync is timed whole, the way the command line runs one: open the snapshot database and
 * the folder, {@link SyncOperation#execute()}, close. A wrapper around the source splits the time
 * into the source's scan (and, inside it, the snapshot look-ups of {@link ScanContext#previous} and
 * the calls of {@link ScanContext#found}) and what the engine does after the scan (diff, pull,
 * commit).
 */
public final class RescanScenario {
  private static final String USER = "alice";
  private static final String DEVICE = "bench";
  private static final String COLLECTION = "docs";
  private static final long SEED = 20261122L;
  private static final int FILES_PER_DIRECTORY = 100;
  private static final int MIN_FILE_BYTES = 1024;
  private static final int MAX_FILE_BYTES = 4096;
  private static final String[] EXTENSIONS = {"txt", "dat", "bin", "md", "json"};

  private RescanScenario() {}

  /** What the generator wrote. */
  record Tree(int files, int directories, int emptyDirectories, long bytes) {
    int items() {
      return files + directories;
    }
  }

  /** The times of one sync, in nanoseconds. */
  record SyncTiming(
      long total,
      long cpu,
      long open,
      long execute,
      long scan,
      long previous,
      long previousCalls,
      long found,
      SyncResult result) {
    long afterScan() {
      return execute - scan;
    }

    long inScanOther() {
      return scan - previous - found;
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    boolean keep = false;
    boolean reuse = false;
    for (String arg : args) {
      if (arg.equals("--keep")) {
        keep = true;
      } else if (arg.equals("--reuse")) {
        reuse = true;
      } else {
        positional.add(arg);
      }
    }
    if (positional.isEmpty() || positional.size() > 4) {
      System.err.println(
          "usage: RescanScenario DIR [FILES] [RUNS] [memory,directory] [--keep] [--reuse]");
      System.exit(2);
      return;
    }
    Path dir = Path.of(positional.get(0)).toAbsolutePath().normalize();
    int files = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 100_000;
    int runs = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 5;
    List<String> stores =
        Arrays.asList((positional.size() > 3 ? positional.get(3) : "memory,directory").split(","));
    for (String store : stores) {
      if (!store.equals("memory") && !store.equals("directory")) {
        throw new IllegalArgumentException("unknown store '" + store + "': memory or directory");
      }
    }
    Path tree = dir.resolve("tree");
    boolean reused = reuse && Files.isDirectory(tree);
    if (reused) {
      // The folder source's marker of the earlier run goes too: the tree is as generated.
      Files.deleteIfExists(tree.resolve(".deltasync"));
      try (var entries = Files.list(dir)) {
        for (Path entry : (Iterable<Path>) entries::iterator) {
          if (!entry.equals(tree)) {
            deleteTree(entry);
          }
        }
      }
    } else if (Files.exists(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(dir + " is not empty; give an absent or empty one");
        }
      }
    }
    @Nullable String jfr = System.getProperty("rescan.jfr");

    printMachine();
    try {
      long t0 = System.nanoTime();
      Tree written = reused ? measure(tree) : generate(tree, files, new Random(SEED));
      System.out.printf(
          Locale.ROOT,
          "tree %s: %,d files (%,d bytes), %,d directories (%,d empty), %s in %.1f s%n",
          tree,
          written.files(),
          written.bytes(),
          written.directories(),
          written.emptyDirectories(),
          reused ? "reused, counted" : "written",
          seconds(System.nanoTime() - t0));
      System.out.printf(Locale.ROOT, "find prints %,d lines for it%n", findLines(tree));
      boolean first = true;
      for (String store : stores) {
        scenario(dir, tree, written, store, runs, first ? jfr : null);
        first = false;
      }
    } finally {
      if (keep) {
        System.out.println("kept " + dir);
      } else {
        long t0 = System.nanoTime();
        deleteTree(dir);
        System.out.printf(
            Locale.ROOT, "deleted %s in %.1f s%n", dir, seconds(System.nanoTime() - t0));
      }
    }
  }

  private static void scenario(
      Path dir, Path tree, Tree written, String kind, int runs, @Nullable String jfr)
      throws IOException, ParseException, InterruptedException {
    System.out.println();
    System.out.println("=== store: " + kind + " ===");
    Path home = dir.resolve("home-" + kind);
    Path snapshotFile = home.resolve(COLLECTION + ".snapshot.db");
    List<SyncTiming> syncs = new ArrayList<>();
    List<Long> finds = new ArrayList<>();
    List<Long> walks = new ArrayList<>();
    SyncTiming firstSync;
    long heapUsed;
    long heapRetained;
    try (LogStore store =
        kind.equals("memory")
            ? new InMemoryLogStore(USER)
            : DirectoryLogStore.open(dir.resolve("store-" + kind), USER)) {
      firstSync = sync(snapshotFile, tree, store);
      System.out.printf(
          Locale.ROOT,
          "first sync: %.2f s, sent %,d changes, %,d bytes up%n",
          seconds(firstSync.total()),
          firstSync.result().sent(),
          firstSync.result().bytesUp());
      if (firstSync.result().sent() != written.items()) {
        System.out.printf(
            Locale.ROOT,
            "WARNING: the first sync sent %,d changes, the tree has %,d items%n",
            firstSync.result().sent(),
            written.items());
      }
      Recording recording = null;
      if (jfr != null) {
        recording = new Recording(Configuration.getConfiguration("profile"));
        recording.setName("rescan");
        recording.start();
      }
      for (int i = 0; i < runs; i++) {
        SyncTiming timing = sync(snapshotFile, tree, store);
        SyncResult result = timing.result();
        if (result.sent() != 0 || result.applied() != 0 || result.conflicts() != 0) {
          System.out.println("WARNING: a sync with nothing changed did something: " + result);
        }
        syncs.add(timing);
        finds.add(timeFind(tree));
        walks.add(timeJavaWalk(tree));
        System.out.printf(
            Locale.ROOT,
            "no-change sync %d: %.0f ms, find %.0f ms, java walk %.0f ms%n",
            i + 1,
            millis(timing.total()),
            millis(finds.get(i)),
            millis(walks.get(i)));
      }
      if (recording != null) {
        recording.stop();
        recording.dump(Path.of(jfr));
        recording.close();
        System.out.println("JFR recording of the no-change syncs: " + jfr);
      }
      Runtime runtime = Runtime.getRuntime();
      heapUsed = runtime.totalMemory() - runtime.freeMemory();
      System.gc();
      heapRetained = runtime.totalMemory() - runtime.freeMemory();
    }

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-16s %9s %8s %7s %9s %11s %10s %9s %10s | %8s %9s%n",
        "sync",
        "total ms",
        "cpu ms",
        "open",
        "scan",
        "previous()",
        "found()",
        "in-scan",
        "after-scan",
        "find ms",
        "java walk");
    row("first", firstSync, null, null);
    for (int i = 0; i < syncs.size(); i++) {
      row("no-change " + (i + 1), syncs.get(i), finds.get(i), walks.get(i));
    }
    if (!syncs.isEmpty()) {
      SyncTiming median =
          new SyncTiming(
              median(syncs.stream().map(SyncTiming::total).toList()),
              median(syncs.stream().map(SyncTiming::cpu).toList()),
              median(syncs.stream().map(SyncTiming::open).toList()),
              median(syncs.stream().map(SyncTiming::execute).toList()),
              median(syncs.stream().map(SyncTiming::scan).toList()),
              median(syncs.stream().map(SyncTiming::previous).toList()),
              median(syncs.stream().map(SyncTiming::previousCalls).toList()),
              median(syncs.stream().map(SyncTiming::found).toList()),
              syncs.get(0).result());
      row("median", median, median(finds), median(walks));
      System.out.println(
          "(previous(): ScanContext.previous and .unchanged, the stat cache's look-ups (one"
              + " query per file, or the compact index of the fast path); found(): "
              + "ScanContext.found; in-scan: the rest of the scan, i.e. walk, stat, mode, path"
              + " keys; after-scan: diff, pull, commit; open/close of snapshot and folder are in"
              + " total only; cpu: CPU time of the whole process, GC threads included)");
      System.out.printf(
          Locale.ROOT,
          "median no-change sync / median find = %.1f; / median java walk = %.1f%n",
          (double) median.total() / median(finds),
          (double) median.total() / median(walks));
      System.out.printf(
          Locale.ROOT,
          "target: median no-change sync under 1 s for %,d files: %s (%.0f ms)%n",
          written.files(),
          median.total() < TimeUnit.SECONDS.toNanos(1) ? "MET" : "NOT MET",
          millis(median.total()));
    }
    System.out.printf(
        Locale.ROOT,
        "heap used after the no-change syncs: %,.0f MiB; after System.gc(): %,.0f MiB"
            + " (max heap %,.0f MiB)%s%n",
        mib(heapUsed),
        mib(heapRetained),
        mib(Runtime.getRuntime().maxMemory()),
        kind.equals("memory") ? " — includes the in-memory store's copy of all content" : "");
    System.out.printf(
        Locale.ROOT,
        "snapshot database: %s%n",
        Arrays.stream(new String[] {"", "-wal", "-shm"})
            .map(suffix -> home.resolve(snapshotFile.getFileName() + suffix))
            .filter(Files::exists)
            .map(p -> {
              try {
                return String.format(Locale.ROOT, "%s %,d bytes", p.getFileName(), Files.size(p));
              } catch (IOException e) {
                return p.getFileName() + " ?";
              }
            })
            .collect(Collectors.joining(", ")));
    printGc();
  }

  private static void row(String name, SyncTiming t, @Nullable Long find, @Nullable Long walk) {
    System.out.printf(
        Locale.ROOT,
        "%-16s %9.0f %8.0f %7.0f %9.0f %11s %10.0f %9.0f %10.0f | %8s %9s%n",
        name,
        millis(t.total()),
        millis(t.cpu()),
        millis(t.open()),
        millis(t.scan()),
        String.format(Locale.ROOT, "%.0f", millis(t.previous())),
        millis(t.found()),
        millis(t.inScanOther()),
        millis(t.afterScan()),
        find == null ? "" : String.format(Locale.ROOT, "%.0f", millis(find)),
        walk == null ? "" : String.format(Locale.ROOT, "%.0f", millis(walk)));
  }

  /** One sync as the command line runs it: open snapshot and folder, execute, close. */
  private static SyncTiming sync(Path snapshotFile, Path tree, LogStore store) throws IOException {
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    long opened;
    long executed;
    SyncResult result;
    TimedSource source;
    try (SnapshotStore snapshot = SnapshotStore.open(snapshotFile);
        FolderSource folder = FolderSource.open(tree)) {
      source = new TimedSource(folder);
      opened = System.nanoTime();
      result =
          new SyncOperation(SyncOptions.of(USER, DEVICE, COLLECTION, source, snapshot, store))
              .execute();
      executed = System.nanoTime();
    }
    long end = System.nanoTime();
    long cpu = processCpuNanos() - cpuStart;
    return new SyncTiming(
        end - start,
        cpu,
        opened - start,
        executed - opened,
        source.scanNanos,
        source.previousNanos,
        source.previousCalls,
        source.foundNanos,
        result);
  }

  /** A source that times its delegate's scan and the scan's calls back into the engine. */
  private static final class TimedSource extends ForwardingSource {
    long scanNanos;
    long previousNanos;
    long previousCalls;
    long foundNanos;

    TimedSource(Source delegate) {
      super(delegate);
    }

    @Override
    public void scan(ScanContext context) throws IOException {
      long start = System.nanoTime();
      delegate()
          .scan(
              new ForwardingScanContext(context) {
                @Override
                public Optional<SnapshotEntry> previous(String pathKey) throws IOException {
                  long t = System.nanoTime();
                  try {
                    return super.previous(pathKey);
                  } finally {
                    previousNanos += System.nanoTime() - t;
                    previousCalls++;
                  }
                }

                @Override
                public boolean unchanged(
                    String pathKey, String path, FileStat stat, boolean executable)
                    throws IOException {
                  long t = System.nanoTime();
                  try {
                    return super.unchanged(pathKey, path, stat, executable);
                  } finally {
                    previousNanos += System.nanoTime() - t;
                  }
                }

                @Override
                public void found(SnapshotEntry item) throws IOException {
                  long t = System.nanoTime();
                  try {
                    super.found(item);
                  } finally {
                    foundNanos += System.nanoTime() - t;
                  }
                }
              });
      scanNanos += System.nanoTime() - start;
    }
  }

  /**
   * Writes {@code files} files of 1–4 KiB of seeded random bytes, {@value #FILES_PER_DIRECTORY} to
   * a directory, in directories three levels deep ({@code d00/d00/d00}), plus one empty directory
   * beside each second-level group of leaves.
   */
  static Tree generate(Path root, int files, Random random) throws IOException {
    Files.createDirectories(root);
    int leaves = Math.max(1, (files + FILES_PER_DIRECTORY - 1) / FILES_PER_DIRECTORY);
    int fanout = Math.max(1, (int) Math.ceil(Math.cbrt(leaves) - 1e-9));
    List<Path> created = new ArrayList<>();
    int emptyDirectories = 0;
    long bytes = 0;
    int file = 0;
    byte[] content = new byte[MAX_FILE_BYTES];
    for (int leaf = 0; leaf < leaves; leaf++) {
      String top = String.format(Locale.ROOT, "d%02d", leaf / (fanout * fanout));
      String mid = String.format(Locale.ROOT, "d%02d", (leaf / fanout) % fanout);
      Path topDir = root.resolve(top);
      Path midDir = topDir.resolve(mid);
      Path leafDir = midDir.resolve(String.format(Locale.ROOT, "d%02d", leaf % fanout));
      if (!Files.isDirectory(midDir)) {
        if (!Files.isDirectory(topDir)) {
          created.add(topDir);
        }
        created.add(midDir);
        Path empty = midDir.resolve("empty");
        Files.createDirectories(empty);
        created.add(empty);
        emptyDirectories++;
      }
      Files.createDirectories(leafDir);
      created.add(leafDir);
      for (int i = 0; i < FILES_PER_DIRECTORY && file < files; i++, file++) {
        int size = MIN_FILE_BYTES + random.nextInt(MAX_FILE_BYTES - MIN_FILE_BYTES + 1);
        random.nextBytes(content);
        String name =
            String.format(
                Locale.ROOT, "file%06d.%s", file, EXTENSIONS[random.nextInt(EXTENSIONS.length)]);
        Files.write(
            leafDir.resolve(name),
            Arrays.copyOf(content, size),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        bytes += size;
      }
    }
    return new Tree(file, created.size(), emptyDirectories, bytes);
  }

  /** Counts a tree written by {@link #generate} in an earlier run. */
  private static Tree measure(Path root) throws IOException {
    int[] counts = new int[3];
    long[] bytes = new long[1];
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!dir.equals(root)) {
              counts[1]++;
              try (var entries = Files.list(dir)) {
                if (entries.findAny().isEmpty()) {
                  counts[2]++;
                }
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            counts[0]++;
            bytes[0] += attrs.size();
            return FileVisitResult.CONTINUE;
          }
        });
    return new Tree(counts[0], counts[1], counts[2], bytes[0]);
  }

  private static List<String> findCommand(Path tree) {
    return List.of("find", tree.toString(), "-printf", "%s %T@\\n");
  }

  /** Runs {@code find TREE -printf '%s %T@\n' > /dev/null}; its wall time in nanoseconds. */
  private static long timeFind(Path tree) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(findCommand(tree))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    int exit = process.waitFor();
    long elapsed = System.nanoTime() - start;
    if (exit != 0) {
      throw new IOException("find exited with " + exit);
    }
    return elapsed;
  }

  private static long findLines(Path tree) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(findCommand(tree))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    long lines;
    try (var in = process.getInputStream()) {
      lines = 0;
      byte[] buffer = new byte[65536];
      for (int n; (n = in.read(buffer)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            lines++;
          }
        }
      }
    }
    if (process.waitFor() != 0) {
      throw new IOException("find failed");
    }
    return lines;
  }

  /**
   * The JVM's floor for the same work as find: {@link Files#walkFileTree} reading size and mtime of
   * every entry; its wall time in nanoseconds.
   */
  private static long timeJavaWalk(Path tree) throws IOException {
    long start = System.nanoTime();
    Files.walkFileTree(
        tree,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            attrs.lastModifiedTime();
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            attrs.lastModifiedTime();
            return FileVisitResult.CONTINUE;
          }
        });
    return System.nanoTime() - start;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e)
              throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void printMachine() {
    Runtime runtime = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "machine: %d processors, java %s (%s %s), max heap %,.0f MiB, GC %s, %s %s%n",
        runtime.availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"),
        mib(runtime.maxMemory()),
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", ")),
        System.getProperty("os.name"),
        System.getProperty("os.version"));
  }

  private static void printGc() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      System.out.printf(
          Locale.ROOT,
          "GC %s: %d collections, %d ms (whole run so far)%n",
          gc.getName(),
          gc.getCollectionCount(),
          gc.getCollectionTime());
    }
  }

  /** CPU time of the whole process (all threads, GC included), or 0 when unknown. */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
