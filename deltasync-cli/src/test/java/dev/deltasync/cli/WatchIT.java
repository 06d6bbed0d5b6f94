package dev.deltasync.cli;

import static dev.deltasync.cli.DeviceProcesses.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.cli.DeviceProcesses.Device;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deltasync watch} as the user runs it: a real server process, device homes, and the watcher
 * as a process of its own, stopped with SIGTERM.
 */
class WatchIT {
  private static final String PASSWORD = "correct horse battery staple";

  /** The issue asks for this: a change synced elsewhere is here within 2 s. */
  private static final Duration PROPAGATION = Duration.ofSeconds(2);

  @TempDir static Path serverData;
  static ServerCrashIT.ServerProcess server;
  static Path passwordFile;

  @TempDir Path base;

  private final List<Watcher> watchers = new ArrayList<>();

  @BeforeAll
  static void startServer() throws IOException {
    server = ServerCrashIT.ServerProcess.start(serverData.resolve("data"));
    passwordFile = serverData.resolve("password");
    Files.writeString(passwordFile, PASSWORD + "\n");
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    server.kill();
  }

  @AfterEach
  void stopWatchers() throws InterruptedException {
    for (Watcher watcher : watchers) {
      watcher.process.destroyForcibly();
      watcher.process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFileSyncedOnAnotherDeviceReachesTheWatcherWithinTwoSecondsAndSyncingStopsThere()
      throws Exception {
    addUser("alice");
    Device a = serverDevice("alice", "laptop");
    Device b = serverDevice("alice", "desktop");
    Watcher watching = watch(b);
    watching.awaitLine(line -> line.startsWith("watch: docs: sent 0, applied 0") && start(line));

    // Up to three trials, the best counts: one slow trial on a loaded machine (a GC pause, two
    // cores shared with other builds) says nothing about the watcher; three slow ones do.
    List<Long> latencies = new ArrayList<>();
    for (int trial = 0; trial < 3; trial++) {
      String name = "notes/hello-" + trial + ".txt";
      write(a.folder().resolve(name), "hello from the laptop " + trial);
      a.sync();
      latencies.add(
          awaitFile(b.folder().resolve(name), "hello from the laptop " + trial).toMillis());
      waitUntilQuiet(b);
      if (latencies.get(trial) <= PROPAGATION.toMillis()) {
        break;
      }
    }
    System.out.println("WatchIT: server store, A's sync exit -> file on B: " + latencies + " ms");
    assertThat(Collections.min(latencies))
        .as("from A's sync to the file on B, best of %s ms", latencies)
        .isLessThanOrEqualTo(PROPAGATION.toMillis());

    // The sync's own writes cause at most one follow-up that finds nothing; then it is quiet.
    String lastSync = Files.readString(lastSyncFile(b));
    Thread.sleep(3000);
    assertThat(Files.readString(lastSyncFile(b)))
        .as("no sync after the follow-up")
        .isEqualTo(lastSync);
    assertThat(watching.lines()).filteredOn(WatchIT::appliedRemote).hasSize(latencies.size());
    assertThat(watching.lines()).noneMatch(line -> line.contains("failed"));
  }

  @Test
  void aLocalEditOnTheWatchingDeviceReachesTheStoreWithoutASyncCommand() throws Exception {
    addUser("bob");
    Device a = serverDevice("bob", "laptop");
    Device b = serverDevice("bob", "desktop");
    Watcher watching = watch(b);
    watching.awaitLine(WatchIT::start);

    write(b.folder().resolve("edited-on-b.txt"), "typed on the desktop");
    watching.awaitLine(line -> line.startsWith("watch: docs: sent 1") && line.contains("(local"));
    a.sync();
    assertThat(DeviceProcesses.tree(a.folder()))
        .containsEntry("edited-on-b.txt", "typed on the desktop");
  }

  @Test
  void sigtermStopsTheWatcherWithExitCodeZeroAndTheHomeFree() throws Exception {
    addUser("carol");
    Device b = serverDevice("carol", "desktop");
    Watcher watching = watch(b);
    watching.awaitLine(WatchIT::start);
    write(b.folder().resolve("one.txt"), "1");
    watching.awaitLine(line -> line.startsWith("watch: docs: sent 1"));

    // SIGTERM; Process.destroy() would also close the pipes and lose the last lines
    assertThat(watching.process.toHandle().destroy()).isTrue();
    assertThat(watching.awaitExit()).as("exit code; %s", watching.lines()).isZero();
    assertThat(watching.lines()).contains("watch: stopped");
    // The home's lock and the server's lease are free: a sync right after goes through at once.
    assertThat(b.sync().stdout()).contains("docs: sent 0, applied 0");
  }

  @Test
  void sigtermDuringARunningSyncLetsItFinishAndNothingIsLost() throws Exception {
    addUser("dave");
    Device a = serverDevice("dave", "laptop");
    Device b = serverDevice("dave", "desktop");
    Watcher watching = watch(b);
    watching.awaitLine(WatchIT::start);

    // A file big enough that its sync takes a while, moved in whole so the scan sees it complete.
    Path outside = base.resolve("big-" + System.nanoTime() + ".bin");
    writeRandom(outside, 160 * 1024 * 1024, 20261122L);
    Files.move(outside, b.folder().resolve("big.bin"), StandardCopyOption.ATOMIC_MOVE);
    awaitSyncRunning(b);
    assertThat(watching.process.toHandle().destroy()).isTrue(); // SIGTERM

    assertThat(watching.awaitExit(60)).as("exit code; %s", watching.lines()).isZero();
    List<String> lines = watching.lines();
    String synced =
        lines.stream()
            .filter(line -> line.startsWith("watch: docs: sent 1"))
            .findFirst()
            .orElse("watch: docs: sent 1 (no such line)");
    assertThat(lines)
        .as("the signal came during the sync, which finished before the watcher stopped")
        .containsSubsequence(
            "watch: stopping: letting the running sync of docs finish", synced, "watch: stopped");
    // Nothing lost: the file went up whole, and reaches another device intact.
    a.sync();
    assertThat(Files.mismatch(a.folder().resolve("big.bin"), b.folder().resolve("big.bin")))
        .isEqualTo(-1);
    assertThat(b.sync().stdout()).contains("docs: sent 0, applied 0");
  }

  @Test
  void aChangeReachesAWatcherThroughADirectoryStoreWithinTwoSeconds() throws Exception {
    Path store = base.resolve("store");
    Device a = directoryDevice(store, "a");
    Device b = directoryDevice(store, "b");
    Watcher watching = watch(b);
    watching.awaitLine(WatchIT::start);

    List<Long> latencies = new ArrayList<>(); // best of up to three, as above
    for (int trial = 0; trial < 3; trial++) {
      String name = "x/one-" + trial + ".txt";
      write(a.folder().resolve(name), "from a " + trial);
      a.sync();
      latencies.add(awaitFile(b.folder().resolve(name), "from a " + trial).toMillis());
      if (latencies.get(trial) <= PROPAGATION.toMillis()) {
        break;
      }
      waitUntilQuiet(b);
    }
    System.out.println(
        "WatchIT: directory store, A's sync exit -> file on B: " + latencies + " ms");
    assertThat(Collections.min(latencies))
        .as("from A's sync to the file on B, best of %s ms", latencies)
        .isLessThanOrEqualTo(PROPAGATION.toMillis());
  }

  @Test
  void aSyncHoldingTheHomeMakesTheWatcherWaitInsteadOfFailing() throws Exception {
    Path store = base.resolve("store");
    Device b = directoryDevice(store, "b");
    Watcher watching = watch(b);
    watching.awaitLine(WatchIT::start);

    try (FileChannel channel =
            FileChannel.open(
                b.home().resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      write(b.folder().resolve("while-locked.txt"), "waits");
      watching.awaitLine(line -> line.startsWith("watch: waiting: another deltasync"));
      assertThat(held.isValid()).isTrue();
    }
    watching.awaitLine(line -> line.startsWith("watch: docs: sent 1"));
    assertThat(watching.lines()).noneMatch(line -> line.contains("failed"));
    assertThat(watching.process.isAlive()).isTrue();
  }

  // ---- devices and the watcher process ----

  private static void addUser(String name) throws Exception {
    DeviceProcesses.addUser(server, serverData.resolve("data"), passwordFile, name);
  }

  private Device serverDevice(String user, String name) throws Exception {
    return DeviceProcesses.serverDevice(base, server, passwordFile, user, name);
  }

  private Device directoryDevice(Path store, String name) throws Exception {
    Device device = Device.named(base, name);
    device.command("join", store.toString(), "--device", name).succeeded();
    device.command("add", "docs", device.folder().toString()).succeeded();
    return device;
  }

  /** Writes {@code size} seeded pseudo-random (incompressible) bytes. */
  private static void writeRandom(Path file, int size, long seed) throws IOException {
    java.util.Random random = new java.util.Random(seed);
    byte[] block = new byte[1024 * 1024];
    try (var out = Files.newOutputStream(file)) {
      for (int written = 0; written < size; written += block.length) {
        random.nextBytes(block);
        out.write(block, 0, Math.min(block.length, size - written));
      }
    }
  }

  /**
   * Waits (up to 20 s) until a sync holds the device's home lock: held at two looks 100 ms apart
   * (the watcher also takes it for an instant to see whether the home is free).
   */
  private static void awaitSyncRunning(Device device) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (FileChannel channel =
        FileChannel.open(
            device.home().resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      while (true) {
        if (!free(channel)) {
          Thread.sleep(100);
          if (!free(channel)) {
            return;
          }
        }
        assertThat(System.nanoTime()).as("a sync starts within 20 s").isLessThan(deadline);
        Thread.sleep(2);
      }
    }
  }

  private static boolean free(FileChannel lockFile) throws IOException {
    FileLock probe = lockFile.tryLock();
    if (probe == null) {
      return false;
    }
    probe.release();
    return true;
  }

  private static Path lastSyncFile(Device device) {
    return device.home().resolve("collections/c-docs/last-sync.json");
  }

  /** Waits until the device's last sync record has not changed for 2 s (at most 30 s). */
  private static void waitUntilQuiet(Device device) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String seen = Files.readString(lastSyncFile(device));
    long stableSince = System.nanoTime();
    while (System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(2)) {
      assertThat(System.nanoTime()).as("the watcher settles within 30 s").isLessThan(deadline);
      Thread.sleep(100);
      String now = Files.readString(lastSyncFile(device));
      if (!now.equals(seen)) {
        seen = now;
        stableSince = System.nanoTime();
      }
    }
  }

  private static boolean appliedRemote(String line) {
    return line.matches("watch: docs: sent 0, applied [1-9].*\\(remote change\\)");
  }

  private static boolean start(String line) {
    return line.startsWith("watch: docs: ") && line.endsWith("(start)");
  }

  /** Polls for {@code file} with {@code content}; returns how long it took. */
  private static Duration awaitFile(Path file, String content) throws Exception {
    long from = System.nanoTime();
    long deadline = from + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (Files.isRegularFile(file)) {
        try {
          if (Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
            return Duration.ofNanos(System.nanoTime() - from);
          }
        } catch (IOException racing) {
          // being replaced: look again
        }
      }
      assertThat(System.nanoTime()).as("%s arrives within 10 s", file).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private Watcher watch(Device device) throws IOException {
    Watcher watcher =
        new Watcher(DeviceProcesses.start(Map.of(), "--home", device.home().toString(), "watch"));
    watchers.add(watcher);
    return watcher;
  }

  /** A running {@code deltasync watch}, its stderr read line by line as it comes. */
  static final class Watcher {
    final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    Watcher(Process process) {
      this.process = process;
      this.reader =
          Thread.ofPlatform()
              .daemon()
              .start(() -> {
                try (BufferedReader err =
                    new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                  for (String line = err.readLine(); line != null; line = err.readLine()) {
                    System.out.println("  [watch] " + line);
                    synchronized (lines) {
                      lines.add(line);
                      lines.notifyAll();
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              });
    }

    /** Waits up to 20 s for the process to end and its stderr to be read; its exit code. */
    int awaitExit() throws InterruptedException {
      return awaitExit(20);
    }

    int awaitExit(int seconds) throws InterruptedException {
      assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("the watcher ends").isTrue();
      reader.join(5000);
      return process.exitValue();
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    /** Waits up to 20 s for a line of stderr that matches. */
    String awaitLine(Predicate<String> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      synchronized (lines) {
        while (true) {
          for (String line : lines) {
            if (wanted.test(line)) {
              return line;
            }
          }
          long left = deadline - System.nanoTime();
          assertThat(left).as("a matching line in %s", lines).isPositive();
          TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, 100_000_000L));
        }
      }
    }
  }
}
