package dev.deltasync.cli;

import static dev.deltasync.cli.DeviceProcesses.run;
import static dev.deltasync.cli.DeviceProcesses.tree;
import static dev.deltasync.cli.DeviceProcesses.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltasync.cli.DeviceProcesses.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices as the user runs them: a real {@code deltasync server} process, and every {@code user
 * add}, {@code join}, {@code add}, {@code sync}, {@code status}, {@code log} and {@code conflicts}
 * a process of its own, each device with its own home.
 */
class DeviceSyncIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir static Path serverData;
  static ServerCrashIT.ServerProcess server;
  static Path passwordFile;

  @TempDir Path base;

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

  private static JsonNode syncJson(Device device) throws Exception {
    return JSON.readTree(
        run("--home", device.home().toString(), "sync", "--json").succeeded().stdout());
  }

  private static void addUser(String name) throws Exception {
    DeviceProcesses.addUser(server, serverData.resolve("data"), passwordFile, name);
  }

  private Device serverDevice(String user, String name) throws Exception {
    return DeviceProcesses.serverDevice(base, server, passwordFile, user, name);
  }

  @Test
  void threeDevicesOfOneUserConvergeThroughEditsDeletesRenamesAndAConflict() throws Exception {
    addUser("alice");
    Device a = serverDevice("alice", "laptop");
    Device b = serverDevice("alice", "desktop");
    Device c = serverDevice("alice", "phone");
    List<Device> all = List.of(a, b, c);

    write(a.folder().resolve("notes/todo.txt"), "buy milk");
    write(a.folder().resolve("notes/ideas.txt"), "sync everything");
    write(b.folder().resolve("photo.txt"), "a picture");
    syncRounds(all);
    assertConverged(all);
    assertThat(tree(c.folder()))
        .containsEntry("notes/todo.txt", "buy milk")
        .containsEntry("photo.txt", "a picture");

    write(b.folder().resolve("notes/todo.txt"), "buy milk and bread"); // edit
    Files.delete(c.folder().resolve("photo.txt")); // delete
    Files.move(a.folder().resolve("notes/ideas.txt"), a.folder().resolve("ideas.txt")); // rename
    syncRounds(all);
    assertConverged(all);
    assertThat(tree(a.folder()))
        .containsEntry("notes/todo.txt", "buy milk and bread")
        .containsEntry("ideas.txt", "sync everything")
        .doesNotContainKeys("photo.txt", "notes/ideas.txt");

    write(a.folder().resolve("notes/todo.txt"), "from the laptop");
    write(b.folder().resolve("notes/todo.txt"), "from the desktop");
    syncRounds(all);
    assertConverged(all);
    Map<String, String> files = tree(c.folder());
    List<String> copies = files.keySet().stream().filter(p -> p.contains(".conflict-")).toList();
    assertThat(copies).as("one conflict copy in %s", files).hasSize(1);
    assertThat(copies.get(0)).matches("notes/todo\\.conflict-(laptop|desktop)-\\d{8}-\\d{6}\\.txt");
    assertThat(List.of(files.get("notes/todo.txt"), files.get(copies.get(0))))
        .containsExactlyInAnyOrder("from the laptop", "from the desktop");

    DeviceProcesses.Run conflicts = c.command("conflicts").succeeded();
    assertThat(conflicts.stdout()).contains(copies.get(0)).contains("delete the other file");
    JsonNode status = JSON.readTree(c.command("status", "--json").succeeded().stdout());
    JsonNode docs = status.get("collections").get(0);
    assertThat(docs.get("name").asText()).isEqualTo("docs");
    assertThat(docs.get("conflicts").asInt()).isEqualTo(1);
    assertThat(docs.get("cursor").asLong()).isPositive();
    assertThat(docs.get("lastSync").isTextual()).isTrue();
    JsonNode log = JSON.readTree(c.command("log", "docs", "--json").succeeded().stdout());
    assertThat(log.get("logs").size()).isEqualTo(docs.get("cursor").asInt());
    assertThat(log.get("logs").get(0).get("device").asText()).isIn("laptop", "desktop");
    assertThat(log.get("logs").get(0).get("size").asLong()).isPositive();

    // Resolving: keep one, delete the other, sync.
    Files.delete(c.folder().resolve(copies.get(0)));
    syncRounds(List.of(c, a, b));
    assertConverged(all);
    assertThat(c.command("conflicts").succeeded().stdout()).contains("no conflict copies");
  }

  @Test
  void syncJsonReportsWhatWentUpAndDown() throws Exception {
    addUser("carol");
    Device a = serverDevice("carol", "one");
    Device b = serverDevice("carol", "two");
    byte[] data = new byte[200_000];
    new Random(42).nextBytes(data);
    Files.write(a.folder().resolve("big.bin"), data);
    write(a.folder().resolve("small.txt"), "hello");

    JsonNode up = syncJson(a);
    for (String field : List.of("bytesUp", "bytesDown", "sent", "applied", "conflicts")) {
      assertThat(up.has(field)).as(field).isTrue();
      assertThat(up.get("collections").get("docs").has(field)).as(field).isTrue();
    }
    assertThat(up.get("sent").asInt()).isEqualTo(2);
    assertThat(up.get("applied").asInt()).isZero();
    assertThat(up.get("conflicts").asInt()).isZero();
    assertThat(up.get("bytesUp").asLong()).isBetween(200_000L, 260_000L);
    assertThat(up.get("bytesDown").asLong()).isLessThan(10_000L);

    JsonNode down = syncJson(b);
    assertThat(down.get("applied").asInt()).isEqualTo(2);
    assertThat(down.get("sent").asInt()).isZero();
    assertThat(down.get("bytesDown").asLong()).isBetween(200_000L, 260_000L);
    assertThat(down.get("bytesUp").asLong()).isLessThan(10_000L);
    assertThat(Files.readAllBytes(b.folder().resolve("big.bin"))).isEqualTo(data);

    JsonNode nothing = syncJson(a);
    assertThat(nothing.get("sent").asInt()).isZero();
    assertThat(nothing.get("applied").asInt()).isZero();
  }

  @Test
  void twoUsersOnOneServerSeeOnlyTheirOwnData() throws Exception {
    addUser("dave");
    addUser("erin");
    Device dave = serverDevice("dave", "dave-laptop");
    Device erin = serverDevice("erin", "erin-laptop");
    write(dave.folder().resolve("secret.txt"), "dave's");
    dave.sync();
    erin.sync();
    assertThat(tree(erin.folder())).isEmpty();
    JsonNode erinLog = JSON.readTree(erin.command("log", "docs", "--json").succeeded().stdout());
    assertThat(erinLog.get("logs").size()).isZero();
    write(erin.folder().resolve("own.txt"), "erin's");
    erin.sync();
    dave.sync();
    assertThat(tree(dave.folder())).isEqualTo(Map.of("secret.txt", "dave's"));
    assertThat(tree(erin.folder())).isEqualTo(Map.of("own.txt", "erin's"));
  }

  @Test
  void twoFoldersOnOneMachineSyncThroughADirectoryStore() throws Exception {
    Path store = base.resolve("store");
    Device a = Device.named(base, "a");
    Device b = Device.named(base, "b");
    // A plain path, and the password is never asked for.
    a.command("join", store.toString(), "--device", "a").succeeded();
    b.command("join", "file://" + store.toAbsolutePath(), "--device", "b").succeeded();
    a.command("add", "docs", a.folder().toString()).succeeded();
    b.command("add", "docs", b.folder().toString()).succeeded();

    write(a.folder().resolve("x/one.txt"), "1");
    write(b.folder().resolve("two.txt"), "2");
    a.sync();
    b.sync();
    a.sync();
    assertThat(tree(a.folder())).isEqualTo(tree(b.folder())).containsEntry("x/one.txt", "1");

    Files.move(b.folder().resolve("two.txt"), b.folder().resolve("x/two.txt"));
    Files.delete(b.folder().resolve("x/one.txt"));
    b.sync();
    a.sync();
    assertThat(tree(a.folder())).isEqualTo(Map.of("x", "dir", "x/two.txt", "2"));
    assertThat(a.command("status").succeeded().stdout()).contains(store.toString());
  }

  @Test
  void wrongPasswordAndUnreachableServerFailClearlyAndChangeNothing() throws Exception {
    addUser("frank");
    Path wrong = base.resolve("wrong-password");
    Files.writeString(wrong, "not the password\n");
    Path home = base.resolve("home");

    DeviceProcesses.Run refused =
        run(
            Map.of("DELTASYNC_HOME", home.toString()),
            "join",
            server.url,
            "--user",
            "frank",
            "--password-file",
            wrong.toString());
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.stderr().strip())
        .startsWith("join: ")
        .contains("wrong user name or password");
    assertThat(refused.stderr().lines()).hasSize(1);
    assertThat(home).doesNotExist();

    DeviceProcesses.Run unreachable =
        run(
            Map.of("DELTASYNC_HOME", home.toString(), "DELTASYNC_PASSWORD", PASSWORD),
            "join",
            "http://127.0.0.1:" + closedPort(),
            "--user",
            "frank");
    assertThat(unreachable.exit()).isNotZero();
    assertThat(unreachable.stderr().strip()).startsWith("join: ").contains("cannot be reached");
    assertThat(unreachable.stderr().lines()).hasSize(1);
    assertThat(home).doesNotExist();

    // The password from the environment works, and the token is the owner's only.
    run(
            Map.of("DELTASYNC_HOME", home.toString(), "DELTASYNC_PASSWORD", PASSWORD),
            "join",
            server.url,
            "--user",
            "frank",
            "--device",
            "frank-1")
        .succeeded();
    assertThat(Files.getPosixFilePermissions(home.resolve("device-token")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    String token = Files.readString(home.resolve("device-token")).strip();

    DeviceProcesses.Run again =
        run(
            Map.of("DELTASYNC_HOME", home.toString(), "DELTASYNC_PASSWORD", PASSWORD),
            "join",
            server.url,
            "--user",
            "frank");
    assertThat(again.exit()).isNotZero();
    assertThat(again.stderr()).contains("has joined").contains("another --home");

    Path missing = base.resolve("no/such/dir");
    DeviceProcesses.Run notFound =
        run(Map.of("DELTASYNC_HOME", home.toString()), "add", "docs", missing.toString());
    assertThat(notFound.exit()).isNotZero();
    assertThat(notFound.stderr()).contains("path not found");
    DeviceProcesses.Run vcard =
        run(
            Map.of("DELTASYNC_HOME", home.toString()),
            "add",
            "contacts",
            Files.writeString(base.resolve("contacts.txt"), "not contacts").toString(),
            "--type",
            "vcard");
    assertThat(vcard.exit()).isNotZero();
    assertThat(vcard.stderr()).contains("is not a .vcf file or a directory");

    // A server that cannot be reached at sync time: one line, non-zero, nothing changed here.
    Path folder = base.resolve("frank-folder");
    Map<String, String> env = Map.of("DELTASYNC_HOME", home.toString());
    run(env, "add", "docs", folder.toString()).succeeded();
    write(folder.resolve("kept.txt"), "local");
    run(env, "sync").succeeded();
    write(folder.resolve("new.txt"), "not yet sent");
    Path config = home.resolve("config.json");
    Files.writeString(
        config, Files.readString(config).replace(server.url, "http://127.0.0.1:" + closedPort()));
    byte[] snapshot = Files.readAllBytes(home.resolve("collections/c-docs/snapshot.db"));
    Map<String, String> before = tree(folder);
    DeviceProcesses.Run down = run(env, "sync");
    assertThat(down.exit()).isNotZero();
    assertThat(down.stderr().strip()).startsWith("sync: ").contains("cannot be reached");
    assertThat(down.stderr().lines()).hasSize(1);
    assertThat(tree(folder)).isEqualTo(before);
    assertThat(Files.readAllBytes(home.resolve("collections/c-docs/snapshot.db")))
        .isEqualTo(snapshot);

    for (DeviceProcesses.Run any : List.of(refused, unreachable, again, notFound, vcard, down)) {
      assertThat(any.stdout() + any.stderr()).doesNotContain(token).doesNotContain(PASSWORD);
    }
  }

  @Test
  void aSecondSyncWhileOneRunsOnTheSameHomeIsRefused() throws Exception {
    Path store = base.resolve("store");
    Device a = Device.named(base, "a");
    a.command("join", store.toString(), "--device", "a").succeeded();
    a.command("add", "docs", a.folder().toString()).succeeded();
    Random random = new Random(7);
    byte[] data = new byte[4 << 20];
    for (int i = 0; i < 24; i++) {
      random.nextBytes(data);
      Files.write(a.folder().resolve("file" + i + ".bin"), data);
    }
    Path lockFile = a.home().resolve("lock");
    Files.writeString(lockFile, "none");
    Process first = DeviceProcesses.start(Map.of(), "--home", a.home().toString(), "sync");
    // The first sync writes its pid into the lock file once it holds the lock.
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.readString(lockFile, StandardCharsets.UTF_8).strip().matches("[0-9]+")) {
      assertThat(System.nanoTime()).as("the first sync takes the lock").isLessThan(deadline);
      assertThat(first.isAlive()).as("the first sync runs").isTrue();
      Thread.sleep(10);
    }
    DeviceProcesses.Run second = a.command("sync");
    DeviceProcesses.Run firstRun = DeviceProcesses.finish(first);
    firstRun.succeeded();
    assertThat(second.exit()).as(second.stderr()).isNotZero();
    assertThat(second.stderr()).startsWith("sync: another deltasync").contains(lockFile.toString());
    assertThat(a.command("sync").succeeded().stdout()).contains("sent 0, applied 0");
  }

  private static int closedPort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** a, b, c, a, b: enough for a change made on any device to reach all of them. */
  private static void syncRounds(List<Device> devices) throws Exception {
    for (Device device : devices) {
      device.sync();
    }
    for (Device device : devices.subList(0, devices.size() - 1)) {
      device.sync();
    }
  }

  private static void assertConverged(List<Device> devices) throws IOException {
    Map<String, String> expected = tree(devices.get(0).folder());
    for (Device device : devices) {
      assertThat(tree(device.folder())).as(device.folder().toString()).isEqualTo(expected);
    }
  }
}
