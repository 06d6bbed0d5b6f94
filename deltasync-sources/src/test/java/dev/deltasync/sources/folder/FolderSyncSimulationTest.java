package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.SyncResult;
import dev.deltasync.testkit.FaultyLogStore;
import dev.deltasync.testkit.InMemoryLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded, deterministic simulation in the spirit of Dropbox's Trinity: 3 to 5 devices make random
 * edits (create, edit, delete, rename, concurrent edits of the same files) and sync in random
 * orders, some syncs crashing at random points (mid-upload, mid-apply, between push and commit).
 * Once quiet, every replica must be identical, and every edit that nobody overwrote knowingly must
 * still be there (as the file or as a conflict copy).
 *
 * <p>{@code -Ddeltasync.sim.seeds=N} runs more seeds, {@code -Ddeltasync.sim.base=S} starts at
 * another; a failure names its seed.
 */
class FolderSyncSimulationTest {
  static LongStream seeds() {
    long count = Long.getLong("deltasync.sim.seeds", 200);
    long base = Long.getLong("deltasync.sim.base", 1);
    return LongStream.range(base, base + count);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void replicasConvergeAndNoEditIsLost(long seed) throws IOException {
    Path base = Files.createTempDirectory("deltasync-sim-" + seed + "-");
    try {
      Simulation sim = new Simulation(seed, base);
      try {
        sim.run();
      } catch (IOException | RuntimeException e) {
        throw new AssertionError(
            "seed "
                + seed
                + " failed: "
                + e
                + "\ntrace:\n"
                + String.join("\n", sim.trace)
                + "\nstore:\n"
                + sim.describeStore(),
            e);
      }
    } finally {
      deleteTree(base);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("firstSeeds")
  void theSameSeedGivesTheSameTrace(long seed) throws IOException {
    List<String> traces = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      Path base = Files.createTempDirectory("deltasync-sim-" + seed + "-");
      try {
        Simulation sim = new Simulation(seed, base);
        sim.run();
        traces.add(String.join("\n", sim.trace));
      } finally {
        deleteTree(base);
      }
    }
    assertThat(traces.get(1)).as("seed %d", seed).isEqualTo(traces.get(0));
  }

  static LongStream firstSeeds() {
    return LongStream.rangeClosed(1, 3);
  }

  static final class Simulation {
    private static final String[] NAMES = {"a.txt", "b.txt", "c.md", "Notes", "x.bin"};
    private static final String[] DIRS = {"", "", "docs/", "docs/old/", "src/"};

    final long seed;
    final Random random;
    final int changesPerLog;
    final InMemoryLogStore store = new InMemoryLogStore("alice");
    final List<Device> devices = new ArrayList<>();
    final List<FaultyLogStore> faults = new ArrayList<>();
    final Set<String> live = new HashSet<>();
    final List<String> trace = new ArrayList<>();
    int counter;

    Simulation(long seed, Path base) {
      this.seed = seed;
      this.random = new Random(seed);
      // Small logs in a third of the runs, so crashes also strike between the logs of one push.
      this.changesPerLog = seed % 3 == 0 ? 1 + (int) (seed % 4) : 20_000;
      int n = 3 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        FaultyLogStore faulty = new FaultyLogStore(store);
        Random ids = new Random(seed * 1000 + i);
        faults.add(faulty);
        devices.add(
            new Device(
                "dev" + i,
                base,
                faulty,
                () -> new java.util.UUID(ids.nextLong(), ids.nextLong()).toString()));
      }
    }

    void run() throws IOException {
      int steps = 25 + random.nextInt(15);
      for (int step = 0; step < steps; step++) {
        int d = random.nextInt(devices.size());
        Device device = devices.get(d);
        int op = random.nextInt(10);
        if (op < 3) {
          sync(d, random.nextInt(4) == 0);
        } else {
          mutate(device);
        }
      }
      quiesce();
      Map<String, String> expected = devices.get(0).tree();
      for (Device device : devices) {
        assertThat(device.tree())
            .as("seed %d: %s equals %s", seed, device.name, devices.get(0).name)
            .isEqualTo(expected);
      }
      Set<String> present = new HashSet<>();
      for (String content : expected.values()) {
        present.add(content);
      }
      for (String content : live) {
        assertThat(present)
            .as(
                "seed %d: the edit '%s' survives; trace:\n%s",
                seed, content, String.join("\n", trace))
            .contains(content);
      }
    }

    /** Every log in the store, one line per change: for failure messages. */
    String describeStore() throws IOException {
      StringBuilder out = new StringBuilder();
      for (dev.deltasync.engine.store.LogEntry entry : store.list("docs", 0, Integer.MAX_VALUE)) {
        dev.deltasync.format.ChangeLog log =
            dev.deltasync.format.ChangeLogReader.decode(store.read("docs", entry.sequence()));
        out.append(entry.sequence())
            .append(" from ")
            .append(log.header().getOriginDevice())
            .append('\n');
        for (dev.deltasync.format.v1.Change c : log.changes()) {
          out.append("  ")
              .append(c.getType())
              .append(' ')
              .append(c.getItemId(), 0, Math.min(8, c.getItemId().length()))
              .append(' ')
              .append(c.getKind())
              .append(' ')
              .append(c.getFromPath().isEmpty() ? "" : c.getFromPath() + " -> ")
              .append(c.getPath())
              .append('\n');
        }
      }
      return out.toString();
    }

    void sync(int d, boolean crash) throws IOException {
      Device device = devices.get(d);
      FaultyLogStore faulty = faults.get(d);
      if (crash) {
        FaultyLogStore.Point point =
            FaultyLogStore.Point.values()[random.nextInt(FaultyLogStore.Point.values().length)];
        faulty.failAt(point, 1 + random.nextInt(2));
      }
      try {
        SyncResult result =
            device.sync(o -> o.withAllowMassDelete(true).withMaxChangesPerLog(changesPerLog));
        trace.add(
            device.name
                + " sync sent="
                + result.sent()
                + " applied="
                + result.applied()
                + " conflicts="
                + result.conflicts());
      } catch (FaultyLogStore.InjectedFault e) {
        trace.add(device.name + " crashed: " + e.getMessage());
      } finally {
        faulty.disarm();
      }
    }

    void quiesce() throws IOException {
      for (int round = 0; round < 8; round++) {
        boolean quiet = true;
        for (int d = 0; d < devices.size(); d++) {
          SyncResult result =
              devices
                  .get(d)
                  .sync(o -> o.withAllowMassDelete(true).withMaxChangesPerLog(changesPerLog));
          trace.add(
              devices.get(d).name
                  + " quiet-sync sent="
                  + result.sent()
                  + " applied="
                  + result.applied()
                  + " conflicts="
                  + result.conflicts());
          quiet &= result.sent() == 0 && result.applied() == 0;
        }
        if (quiet && round > 0) {
          return;
        }
      }
      throw new AssertionError(
          "seed "
              + seed
              + ": no quiet round after 8 rounds of syncing\n"
              + String.join("\n", trace));
    }

    void mutate(Device device) throws IOException {
      List<Path> files = files(device);
      int op = random.nextInt(10);
      if (files.isEmpty() || op < 3) {
        String path = DIRS[random.nextInt(DIRS.length)] + NAMES[random.nextInt(NAMES.length)];
        if (device.exists(path)) {
          edit(device, device.folder.resolve(path));
        } else if (!blocked(device, path)) {
          String content = content(device);
          device.write(path, content);
          trace.add(device.name + " create " + path);
        }
        return;
      }
      Path file = files.get(random.nextInt(files.size()));
      if (op < 7) {
        edit(device, file);
      } else if (op < 8) {
        live.remove(Files.readString(file, StandardCharsets.UTF_8));
        Files.delete(file);
        trace.add(device.name + " delete " + device.folder.relativize(file));
      } else {
        String from = device.folder.relativize(file).toString();
        String to =
            random.nextInt(4) == 0
                ? caseChanged(from) // a case-only rename
                : DIRS[random.nextInt(DIRS.length)]
                    + NAMES[random.nextInt(NAMES.length)]
                    + (op == 9 ? "" : "-renamed");
        if (!device.exists(to) && !blocked(device, to)) {
          Path target = device.folder.resolve(to);
          Files.createDirectories(target.getParent());
          Files.move(file, target);
          trace.add(device.name + " rename " + device.folder.relativize(file) + " -> " + to);
        }
      }
    }

    static String caseChanged(String path) {
      int slash = path.lastIndexOf('/');
      char first = path.charAt(slash + 1);
      char flipped =
          Character.isUpperCase(first)
              ? Character.toLowerCase(first)
              : Character.toUpperCase(first);
      return path.substring(0, slash + 1) + flipped + path.substring(slash + 2);
    }

    /** Whether a parent of {@code path} exists as a file, so it cannot be created. */
    boolean blocked(Device device, String path) {
      Path parent = device.folder.resolve(path).getParent();
      for (Path p = parent; p != null && !p.equals(device.folder); p = p.getParent()) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          return true;
        }
      }
      return false;
    }

    void edit(Device device, Path file) throws IOException {
      live.remove(Files.readString(file, StandardCharsets.UTF_8));
      String content = content(device);
      Files.writeString(file, content);
      trace.add(device.name + " edit " + device.folder.relativize(file));
    }

    String content(Device device) {
      String content = device.name + " wrote #" + (++counter);
      live.add(content);
      return content;
    }

    List<Path> files(Device device) throws IOException {
      if (!Files.isDirectory(device.folder)) {
        return List.of();
      }
      try (Stream<Path> all = Files.walk(device.folder)) {
        return all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
            .filter(p -> !p.getFileName().toString().startsWith(".deltasync"))
            .sorted()
            .toList();
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
