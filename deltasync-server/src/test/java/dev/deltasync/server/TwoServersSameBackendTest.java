package dev.deltasync.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several server processes on one data directory: they share the admin token, the signing key and
 * the embedded backend, and every guarantee holds across them (compare-and-set appends, leases,
 * revocation, the push channel). Most tests run two servers in this JVM; one runs the second in a
 * process of its own, so SQLite's and the file system's locking between processes is what keeps
 * them correct.
 */
class TwoServersSameBackendTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir static Path data;
  private static TestServer first;
  private static TestServer second;
  private static TestServer.Device laptop;
  private static TestServer.Device phone;

  @BeforeAll
  static void start() {
    first = TestServer.start(data);
    second = TestServer.start(data);
    first.createUser("alice", PASSWORD);
    laptop = first.device("alice", PASSWORD, "laptop");
    phone = second.device("alice", PASSWORD, "phone");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      second.close();
    } finally {
      first.close();
    }
  }

  @Test
  void theSecondServerUsesTheFirstsAdminTokenAndSigningKey() {
    assertThat(first.server.adminTokenCreated()).isTrue();
    assertThat(second.server.adminTokenCreated()).isFalse();
    assertThat(second.admin).isEqualTo(first.admin);

    String access = first.access(laptop);
    byte[] log = TestLogs.log("alice", "shared", TestLogs.logId(1, 1));
    assertThat(first.appended(access, "shared", 0, log)).isEqualTo(1);

    // An access token of one server is valid at the other; the log is there too.
    Http.Reply read = second.http.get("/v1/collections/shared/logs/1").bearer(access).send();
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body()).isEqualTo(log);
    Http.Reply retry = second.append(second.access(laptop), "shared", 0, log);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().get("sequence").asLong()).isEqualTo(1);
  }

  @Test
  @Timeout(60)
  void appendersSpreadOverBothServersLandEveryLogOnceWithoutGaps() throws Exception {
    int writers = 8;
    int perWriter = 10;
    String access = first.access(laptop);
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int w = 1; w <= writers; w++) {
      long writer = w;
      TestServer via = w % 2 == 0 ? first : second;
      tasks.add(() -> {
        for (int i = 1; i <= perWriter; i++) {
          byte[] log = TestLogs.log("alice", "spread", TestLogs.logId(writer, i));
          ConcurrentAppendTest.appendRetrying(via, access, "spread", log);
        }
        return null;
      });
    }

    ConcurrentAppendTest.together(tasks);

    ConcurrentAppendTest.assertEveryLogLandedOnce(first, access, "spread", writers, perWriter);
    ConcurrentAppendTest.assertEveryLogLandedOnce(second, access, "spread", writers, perWriter);
  }

  @Test
  void aDeviceRevokedThroughOneServerIsRefusedByTheOtherAtOnce() {
    TestServer.Device tablet = first.device("alice", PASSWORD, "tablet");
    String access = first.access(tablet);
    assertThat(second.head(access, "docs")).isZero();

    Http.Reply revoked = second.http.delete("/v1/devices/tablet").basic("alice", PASSWORD).send();
    assertThat(revoked.status()).isEqualTo(204);

    assertThat(first.http.get("/v1/location").bearer(tablet.token()).send().status())
        .isEqualTo(401);
    assertThat(first.http.get("/v1/collections/docs/head").bearer(access).send().status())
        .isEqualTo(401);
  }

  @Test
  void aLeaseTakenThroughOneServerFencesAppendsThroughTheOther() {
    Http.Reply lease =
        first.http.post("/v1/collections/leased/lease").bearer(laptop.token()).json("{}").send();
    assertThat(lease.status()).isEqualTo(201);
    long fencing = lease.json().get("fencing").asLong();

    Http.Reply refused =
        second.append(
            second.access(phone),
            "leased",
            0,
            TestLogs.log("alice", "leased", TestLogs.logId(5, 1)));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.problem()).isEqualTo("lease-fenced");
    Http.Reply held =
        second.http.post("/v1/collections/leased/lease").bearer(phone.token()).json("{}").send();
    assertThat(held.status()).isEqualTo(409);
    assertThat(held.problem()).isEqualTo("lease-held");

    Http.Reply holder =
        second.append(
            second.access(laptop),
            "leased",
            0,
            fencing,
            TestLogs.log("alice", "leased", TestLogs.logId(5, 2)));
    assertThat(holder.status()).isEqualTo(201);
  }

  @Test
  @Timeout(120)
  void aServerInAnotherProcessOnTheSameDataDirectoryKeepsEveryGuarantee(@TempDir Path shared)
      throws Exception {
    try (TestServer local = TestServer.start(shared);
        ChildServer child = ChildServer.start(shared)) {
      Http remote = new Http(child.url);
      local.createUser("carol", PASSWORD);
      TestServer.Device device = local.device("carol", PASSWORD, "laptop");
      // The other process registers a device: it checks the password the first one stored.
      Http.Reply registered =
          remote.post("/v1/devices").basic("carol", PASSWORD).json("{\"name\":\"phone\"}").send();
      assertThat(registered.status()).isEqualTo(201);
      String access = local.access(device);

      try (EventStream events = new EventStream(child.url, device.token())) {
        assertThat(events.next(Duration.ofSeconds(5)).name()).isEqualTo("heads");

        int writers = 6;
        int perWriter = 8;
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int w = 1; w <= writers; w++) {
          long writer = w;
          tasks.add(() -> {
            for (int i = 1; i <= perWriter; i++) {
              byte[] log = TestLogs.log("carol", "two-jvms", TestLogs.logId(writer, i));
              if ((writer + i) % 2 == 0) {
                ConcurrentAppendTest.appendRetrying(local, access, "two-jvms", log);
              } else {
                appendRetrying(remote, access, "two-jvms", log);
              }
            }
            return null;
          });
        }
        ConcurrentAppendTest.together(tasks);

        ConcurrentAppendTest.assertEveryLogLandedOnce(
            local, access, "two-jvms", writers, perWriter);
        // The other process pushed the appends of this one to its watcher.
        long total = (long) writers * perWriter;
        long heard = 0;
        while (heard < total) {
          heard = Math.max(heard, events.next(Duration.ofSeconds(5)).data().get("head").asLong());
        }
      }

      // A lease taken in one process fences the other.
      Http.Reply lease =
          remote.post("/v1/collections/two-jvms/lease").bearer(device.token()).json("{}").send();
      assertThat(lease.status()).isEqualTo(201);
      TestServer.Device tablet = local.device("carol", PASSWORD, "tablet");
      Http.Reply fenced =
          local.append(
              local.access(tablet),
              "two-jvms",
              48,
              TestLogs.log("carol", "two-jvms", TestLogs.logId(9, 9)));
      assertThat(fenced.status()).isEqualTo(409);
      assertThat(fenced.problem()).isEqualTo("lease-fenced");

      // Revoked in one process, refused in the other.
      assertThat(remote.delete("/v1/devices/tablet").basic("carol", PASSWORD).send().status())
          .isEqualTo(204);
      assertThat(local.http.get("/v1/location").bearer(tablet.token()).send().status())
          .isEqualTo(401);
    }
  }

  @Test
  @Timeout(60)
  void twoServersStartingAtOnceOnAnEmptyDirectoryAgreeOnItsSecrets(@TempDir Path empty)
      throws Exception {
    List<Callable<TestServer>> starts = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      starts.add(() -> TestServer.start(empty));
    }

    List<TestServer> servers = ConcurrentAppendTest.together(starts);

    try (TestServer one = servers.get(0);
        TestServer two = servers.get(1)) {
      assertThat(List.of(one.server.adminTokenCreated(), two.server.adminTokenCreated()))
          .containsExactlyInAnyOrder(true, false);
      assertThat(one.admin).isEqualTo(two.admin);
      one.createUser("erin", PASSWORD);
      TestServer.Device device = two.device("erin", PASSWORD, "laptop");
      assertThat(two.head(one.access(device), "docs")).isZero();
    }
  }

  @Test
  void aManagementOnlyAndAStorageOnlyServerSplitTheRoutes(@TempDir Path shared) throws Exception {
    try (TestServer storage =
            TestServer.start(TestServer.options(shared).withRoles(EnumSet.of(Role.STORAGE)));
        TestServer management =
            TestServer.start(
                TestServer.options(shared)
                    .withRoles(EnumSet.of(Role.MANAGEMENT))
                    .withStorageUrl(storage.url()))) {
      assertThat(storage.http.get("/v1/health").send().json().get("management").asBoolean())
          .isFalse();
      assertThat(management.http.get("/v1/health").send().json().get("storage").asBoolean())
          .isFalse();
      management.createUser("dave", PASSWORD);
      Http.Reply registered =
          management
              .http
              .post("/v1/devices")
              .basic("dave", PASSWORD)
              .json("{\"name\":\"laptop\"}")
              .send();
      assertThat(registered.json().get("storage").asText()).isEqualTo(storage.url());
      TestServer.Device device =
          new TestServer.Device("dave", "laptop", registered.json().get("token").asText());
      String access = management.access(device);

      assertThat(
              storage.appended(
                  access, "docs", 0, TestLogs.log("dave", "docs", TestLogs.logId(1, 1))))
          .isEqualTo(1);
      Http.Reply notHere =
          management.append(access, "docs", 1, TestLogs.log("dave", "docs", TestLogs.logId(1, 2)));
      assertThat(notHere.status()).isEqualTo(404);
      assertThat(notHere.problem()).isEqualTo("not-found");
      assertThat(storage.http.get("/v1/location").bearer(device.token()).send().status())
          .isEqualTo(404);
      assertThat(storage.http.post("/v1/users").bearer(storage.admin).json("{}").send().status())
          .isEqualTo(404);
      assertThat(
              management
                  .http
                  .get("/v1/heads")
                  .bearer(device.token())
                  .send()
                  .json()
                  .get("heads")
                  .get("docs")
                  .asLong())
          .isEqualTo(1);
    }
  }

  /** The appendRetrying of {@link ConcurrentAppendTest}, against any base URL. */
  private static void appendRetrying(Http http, String access, String collection, byte[] log) {
    long head = 0;
    while (true) {
      Http.Reply reply =
          http.post(TestServer.logs(collection) + "?expectedHead=" + head)
              .bearer(access)
              .body(log, "application/vnd.deltasync.changelog")
              .send();
      if (reply.status() == 201) {
        return;
      }
      assertThat(reply.problem()).as("%s", reply).isEqualTo("head-moved");
      head = reply.json().get("head").asLong();
    }
  }

  /** {@link ServerProcess} in a JVM of its own. */
  private static final class ChildServer implements AutoCloseable {
    final Process process;
    final String url;
    final StringBuilder output = new StringBuilder();

    private ChildServer(Process process, String url) {
      this.process = process;
      this.url = url;
    }

    static ChildServer start(Path data) throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      Process process =
          new ProcessBuilder(
                  java,
                  "--enable-native-access=ALL-UNNAMED",
                  "-Xshare:auto",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ServerProcess.class.getName(),
                  data.toString())
              .redirectErrorStream(true)
              .start();
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder before = new StringBuilder();
      String line;
      while ((line = lines.readLine()) != null && !line.startsWith("LISTENING ")) {
        before.append(line).append('\n');
      }
      if (line == null) {
        process.destroyForcibly();
        throw new IOException("the server process ended before it listened:\n" + before);
      }
      ChildServer child = new ChildServer(process, line.substring("LISTENING ".length()));
      child.output.append(before);
      Thread.ofVirtual()
          .start(() -> {
            try {
              for (String more = lines.readLine(); more != null; more = lines.readLine()) {
                synchronized (child.output) {
                  child.output.append(more).append('\n');
                }
              }
            } catch (IOException e) {
              // the process ended
            }
          });
      return child;
    }

    @Override
    public void close() throws IOException {
      process.getOutputStream().close(); // it stops when its input ends
      boolean ended;
      try {
        ended = process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ended = false;
      }
      if (!ended) {
        process.destroyForcibly();
        throw new AssertionError("the server process did not stop; its output:\n" + output);
      }
      assertThat(process.exitValue()).as("its output:\n%s", output).isZero();
    }
  }
}
