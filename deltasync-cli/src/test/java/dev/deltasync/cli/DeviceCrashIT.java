package dev.deltasync.cli;

import static dev.deltasync.cli.DeviceProcesses.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes and absences, with real processes: devices killed with SIGKILL in the middle of {@code
 * sync} at random moments, the server killed while devices sync, a device offline for many rounds.
 * Each is followed by ordinary syncs that must converge with nothing lost.
 *
 * <p>Seeded: {@code -Ddeltasync.crash.seed=N} replays a run, {@code -Ddeltasync.crash.rounds=N}
 * runs more rounds of kills (default 4). The seed is printed, and named in every failure.
 */
class DeviceCrashIT {
  private static final String PASSWORD = "correct horse battery staple";
  private static final int ROUNDS = Integer.getInteger("deltasync.crash.rounds", 4);

  @TempDir Path base;

  /** A device: a home, and a folder bound to collection {@code docs}. */
  record Device(String name, Path home, Path folder) {
    Process startSync() throws IOException {
      return DeviceProcesses.start(Map.of(), "--home", home.toString(), "sync");
    }

    void sync(String... options) throws Exception {
      List<String> args = new ArrayList<>(List.of("--home", home.toString(), "sync"));
      args.addAll(List.of(options));
      run(args.toArray(String[]::new)).succeeded();
    }
  }

  @Test
  void devicesKilledAtRandomMomentsDuringSyncLoseNothingAndConverge() throws Exception {
    long seed = Long.getLong("deltasync.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    int kills = 0;
    try (Server server = Server.start(base.resolve("server"), 0)) {
      Device a = server.device(base, "laptop");
      Device b = server.device(base, "desktop");
      // Each device writes only its own directory, so every difference after the crashes is a
      // loss or a leftover, never a conflict.
      Map<String, String> modelA = new TreeMap<>();
      Map<String, String> modelB = new TreeMap<>();
      long syncMillis = 0; // how long the first, unkilled, round took: kills fall inside that
      int rounds = 0;
      // ROUNDS rounds of kills; a few more when no kill hit a running sync yet (a kill time drawn
      // after both syncs ended tests nothing).
      for (int round = 0; round <= ROUNDS || (kills == 0 && round <= 3 * ROUNDS); round++) {
        rounds = round;
        mutate(random, a.folder(), "a", modelA, 16);
        mutate(random, b.folder(), "b", modelB, 6);
        long start = System.nanoTime();
        Process syncA = a.startSync();
        Process syncB = b.startSync();
        if (round == 0) {
          syncA.waitFor(120, TimeUnit.SECONDS);
          syncB.waitFor(120, TimeUnit.SECONDS);
          syncMillis = (System.nanoTime() - start) / 1_000_000;
        } else {
          Thread.sleep(50 + random.nextLong(Math.max(200, syncMillis * 4 / 5)));
          int which = random.nextInt(3); // 0: laptop, 1: desktop, 2: both
          if (which != 1) {
            kills += kill(syncA);
          }
          if (which != 0) {
            kills += kill(syncB);
          }
        }
        assertThat(syncA.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(syncB.waitFor(120, TimeUnit.SECONDS)).isTrue();
        // What each device wrote itself is untouched, whatever moment the kill came.
        assertThat(files(a.folder(), "a/"))
            .as("seed %d round %d: laptop", seed, round)
            .isEqualTo(modelA);
        assertThat(files(b.folder(), "b/"))
            .as("seed %d round %d: desktop", seed, round)
            .isEqualTo(modelB);
      }
      for (int i = 0; i < 2; i++) {
        a.sync();
        b.sync();
      }
      Map<String, String> expected = new TreeMap<>(modelA);
      expected.putAll(modelB);
      assertThat(files(a.folder(), "")).as("seed %d: laptop converged", seed).isEqualTo(expected);
      assertThat(files(b.folder(), "")).as("seed %d: desktop converged", seed).isEqualTo(expected);
      assertThat(kills).as("seed %d: syncs killed while running", seed).isPositive();
      System.out.printf(
          "DeviceCrashIT seed %d: %d rounds, %d syncs killed (a sync took %d ms), %d files"
              + " converged%n",
          seed, rounds, kills, syncMillis, expected.size());
    } catch (AssertionError | Exception e) {
      throw new AssertionError("DeviceCrashIT failed with seed " + seed + ": " + e.getMessage(), e);
    }
  }

  @Test
  void theServerKilledWhileDevicesSyncLosesNothingAndDevicesConverge() throws Exception {
    long seed = Long.getLong("deltasync.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    int port = freePort();
    Path data = base.resolve("server");
    Server server = Server.start(data, port);
    try {
      Device a = server.device(base, "laptop");
      Device b = server.device(base, "desktop");
      Map<String, String> modelA = new TreeMap<>();
      Map<String, String> modelB = new TreeMap<>();
      for (int round = 0; round < 2; round++) {
        mutate(random, a.folder(), "a", modelA, 12);
        mutate(random, b.folder(), "b", modelB, 6);
        Process syncA = a.startSync();
        Process syncB = b.startSync();
        Thread.sleep(300 + random.nextInt(2_000));
        server.close(); // SIGKILL
        // The devices see the server go away: each sync ends (after its retries) with an error
        // or, if it was done, with success; neither loses local data.
        assertThat(syncA.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(syncB.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(files(a.folder(), "a/")).as("seed %d: laptop", seed).isEqualTo(modelA);
        assertThat(files(b.folder(), "b/")).as("seed %d: desktop", seed).isEqualTo(modelB);
        server = Server.start(data, port);
      }
      for (int i = 0; i < 2; i++) {
        a.sync();
        b.sync();
      }
      Map<String, String> expected = new TreeMap<>(modelA);
      expected.putAll(modelB);
      assertThat(files(a.folder(), "")).as("seed %d: laptop converged", seed).isEqualTo(expected);
      assertThat(files(b.folder(), "")).as("seed %d: desktop converged", seed).isEqualTo(expected);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("DeviceCrashIT failed with seed " + seed + ": " + e.getMessage(), e);
    } finally {
      server.close();
    }
  }

  @Test
  void aDeviceOfflineForManyRoundsCatchesUpAndSendsWhatItDidOffline() throws Exception {
    long seed = Long.getLong("deltasync.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    try (Server server = Server.start(base.resolve("server"), 0)) {
      Device a = server.device(base, "laptop");
      Device b = server.device(base, "desktop");
      Device c = server.device(base, "phone");
      Map<String, String> modelA = new TreeMap<>();
      Map<String, String> modelB = new TreeMap<>();
      Map<String, String> modelC = new TreeMap<>();
      mutate(random, c.folder(), "c", modelC, 3);
      c.sync(); // online once, then away
      for (int round = 0; round < 12; round++) {
        mutate(random, a.folder(), "a", modelA, 2);
        mutate(random, b.folder(), "b", modelB, 2);
        if (round % 3 == 0) {
          mutate(random, c.folder(), "c", modelC, 2); // offline edits
        }
        a.sync();
        b.sync();
      }
      // Offline, c may have deleted most of the few files it had synced: the delete safeguard
      // would rightly ask first (a seeded run hit it), so c says it means it.
      c.sync("--allow-mass-delete");
      a.sync();
      b.sync();
      Map<String, String> expected = new TreeMap<>(modelA);
      expected.putAll(modelB);
      expected.putAll(modelC);
      for (Device device : List.of(a, b, c)) {
        assertThat(files(device.folder(), ""))
            .as("seed %d: %s", seed, device.name())
            .isEqualTo(expected);
      }
    } catch (AssertionError | Exception e) {
      throw new AssertionError("DeviceCrashIT failed with seed " + seed + ": " + e.getMessage(), e);
    }
  }

  /** Kills a process that may have ended already; 1 when it was still running. */
  private static int kill(Process process) throws InterruptedException {
    boolean alive = process.isAlive();
    process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs
    process.waitFor(30, TimeUnit.SECONDS);
    return alive ? 1 : 0;
  }

  /**
   * Adds, edits, deletes and renames files under {@code dir/} of {@code folder}, keeping {@code
   * model} (path to SHA-256) in step. Files are 16-400 KiB, so a sync has real work to be killed
   * in.
   */
  private static void mutate(
      Random random, Path folder, String dir, Map<String, String> model, int adds)
      throws IOException {
    for (int i = 0; i < adds; i++) {
      String path =
          dir
              + "/"
              + (random.nextInt(4) == 0 ? "sub" + random.nextInt(3) + "/" : "")
              + "f"
              + random.nextInt(1_000_000)
              + ".bin";
      byte[] content = new byte[16 * 1024 + random.nextInt(384 * 1024)];
      random.nextBytes(content);
      put(folder, path, content, model);
    }
    List<String> existing = new ArrayList<>(model.keySet());
    for (int i = 0; i < Math.min(existing.size(), adds / 2); i++) {
      String path = existing.get(random.nextInt(existing.size()));
      Path file = folder.resolve(path);
      if (!model.containsKey(path)) {
        continue;
      }
      switch (random.nextInt(3)) {
        case 0 -> { // edit in the middle
          byte[] content = Files.readAllBytes(file);
          byte[] patch = new byte[1 + random.nextInt(4_096)];
          random.nextBytes(patch);
          int at = random.nextInt(content.length);
          System.arraycopy(patch, 0, content, at, Math.min(patch.length, content.length - at));
          put(folder, path, content, model);
        }
        case 1 -> { // delete
          Files.delete(file);
          model.remove(path);
        }
        default -> { // rename
          String to = dir + "/renamed" + random.nextInt(1_000_000) + ".bin";
          if (!model.containsKey(to)) {
            Files.move(file, folder.resolve(to));
            model.put(to, model.remove(path));
          }
        }
      }
    }
  }

  private static void put(Path folder, String path, byte[] content, Map<String, String> model)
      throws IOException {
    Path file = folder.resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(
        file,
        content,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    model.put(path, sha256(content));
  }

  /** Every file under {@code prefix} of a folder (not the engine's own), path to SHA-256. */
  private static Map<String, String> files(Path folder, String prefix) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        String rel = folder.relativize(p).toString();
        if (rel.startsWith(prefix) && !rel.startsWith(".deltasync")) {
          files.put(rel, sha256(Files.readAllBytes(p)));
        }
      }
    }
    return files;
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A server process with one user, {@code dora}, whose devices join it. */
  private static final class Server implements AutoCloseable {
    private final ServerCrashIT.ServerProcess process;
    private final Path data;

    private Server(ServerCrashIT.ServerProcess process, Path data) {
      this.process = process;
      this.data = data;
    }

    static Server start(Path data, int port) throws Exception {
      boolean fresh = !Files.exists(data);
      Server server = new Server(ServerCrashIT.ServerProcess.start(data, port), data);
      if (fresh) {
        Path password = data.resolveSibling("password");
        Files.writeString(password, PASSWORD + "\n");
        run(
                "user",
                "add",
                "dora",
                "--server",
                server.process.url,
                "--admin-token-file",
                data.resolve("admin-token").toString(),
                "--password-file",
                password.toString())
            .succeeded();
      }
      return server;
    }

    Device device(Path base, String name) throws Exception {
      Device device =
          new Device(name, base.resolve(name + "-home"), base.resolve(name + "-folder"));
      run(
              "--home",
              device.home().toString(),
              "join",
              process.url,
              "--user",
              "dora",
              "--password-file",
              data.resolveSibling("password").toString(),
              "--device",
              name)
          .succeeded();
      run("--home", device.home().toString(), "add", "docs", device.folder().toString())
          .succeeded();
      return device;
    }

    @Override
    public void close() throws InterruptedException {
      process.kill();
    }
  }
}
