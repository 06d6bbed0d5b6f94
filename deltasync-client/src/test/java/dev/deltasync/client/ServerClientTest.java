package dev.deltasync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.store.AppendResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management calls against a real server, and the messages of their failures. */
class ServerClientTest {
  @TempDir static Path data;
  static TestServer server;

  @BeforeAll
  static void startServer() throws IOException {
    server = TestServer.start(data);
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @Test
  void aUserNameIsTakenOnce() throws IOException {
    try (ServerClient admin = ServerClient.connect(server.options())) {
      admin.createUser(server.adminToken, "bob", TestServer.PASSWORD);
      assertThatThrownBy(() -> admin.createUser(server.adminToken, "bob", TestServer.PASSWORD))
          .isInstanceOfSatisfying(
              ServerException.class,
              e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.type()).isEqualTo("user-exists");
              })
          .hasMessageContaining("create user \"bob\"")
          .hasMessageContaining("exists already");
    }
  }

  @Test
  void aWrongAdminTokenIsRefusedWithoutRepeatingIt() {
    String wrong = "dsa_not-the-admin-token-at-all";
    try (ServerClient admin = ServerClient.connect(server.options())) {
      assertThatThrownBy(() -> admin.createUser(wrong, "carol", TestServer.PASSWORD))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("admin-token")
          .hasMessageNotContaining(wrong);
    }
  }

  @Test
  void aWrongPasswordIsRefusedWithoutRepeatingIt() throws IOException {
    String user = server.newUser();
    try (ServerClient anonymous = ServerClient.connect(server.options())) {
      assertThatThrownBy(() -> anonymous.registerDevice(user, "wrong password!", "laptop"))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("wrong user name or password")
          .hasMessageNotContaining("wrong password!");
    }
  }

  @Test
  void aDeviceNameIsTakenOncePerUser() throws IOException {
    String user = server.newUser();
    try (ServerClient anonymous = ServerClient.connect(server.options())) {
      DeviceRegistration first = anonymous.registerDevice(user, TestServer.PASSWORD, "laptop");
      assertThat(first.user()).isEqualTo(user);
      assertThat(first.device()).isEqualTo("laptop");
      assertThat(first.storage()).isEqualTo(server.url());
      assertThat(first.toString()).doesNotContain(first.token());
      assertThatThrownBy(() -> anonymous.registerDevice(user, TestServer.PASSWORD, "laptop"))
          .isInstanceOfSatisfying(
              ServerException.class, e -> assertThat(e.type()).isEqualTo("device-exists"));
    }
  }

  @Test
  void aClientWithoutADeviceTokenSaysHowToGetOne() {
    try (ServerClient anonymous = ServerClient.connect(server.options())) {
      assertThatThrownBy(anonymous::heads)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("registerDevice");
    }
  }

  @Test
  void theAccessTokenIsCachedAndTheLocationNamesTheDevice() throws IOException {
    String user = server.newUser();
    try (ServerClient client = server.device(user, "laptop")) {
      String token = client.accessToken();
      assertThat(token).startsWith("dst_");
      assertThat(client.accessToken()).isSameAs(token);
      assertThat(client.location()).isEqualTo(new Location(user, "laptop", server.url()));
      assertThat(client.options().toString()).doesNotContain(client.options().deviceToken());
    }
  }

  @Test
  void headsListEveryCollectionOfTheUser() throws IOException {
    String user = server.newUser();
    try (ServerClient client = server.device(user, "laptop");
        HttpLogStore store = HttpLogStore.open(client)) {
      assertThat(client.heads()).isEmpty();
      store.append("docs", 0, TestLogs.log(user, "docs"));
      store.append("docs", 1, TestLogs.log(user, "docs"));
      store.append("photos/2026", 0, TestLogs.log(user, "photos/2026"));
      assertThat(client.heads()).isEqualTo(Map.of("docs", 2L, "photos/2026", 1L));
    }
  }

  @Test
  void aLeaseFencesOtherDevicesAndStaleAppends() throws IOException {
    String user = server.newUser();
    try (ServerClient laptop = server.device(user, "laptop");
        ServerClient phone = server.device(user, "phone");
        HttpLogStore laptopStore = HttpLogStore.open(laptop);
        HttpLogStore phoneStore = HttpLogStore.open(phone)) {
      Lease lease = laptop.acquireLease("docs", Duration.ofSeconds(30));
      assertThat(lease.collection()).isEqualTo("docs");
      assertThat(lease.fencing()).isPositive();

      assertThatThrownBy(() -> phone.acquireLease("docs", Duration.ofSeconds(30)))
          .isInstanceOfSatisfying(
              LeaseHeldException.class,
              e ->
                  assertThat(e.retryAfter())
                      .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30)))
          .hasMessageContaining("another device holds the lease");
      assertThatThrownBy(() -> phoneStore.append("docs", 0, TestLogs.log(user, "docs")))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("another device holds the lease");

      HttpLogStore fenced = laptopStore.withLease(lease);
      assertThat(fenced.append("docs", 0, TestLogs.log(user, "docs")))
          .isEqualTo(new AppendResult.Appended(1, false));
      Lease renewed = laptop.renewLease(lease, Duration.ofSeconds(60));
      assertThat(renewed.id()).isEqualTo(lease.id());
      assertThat(renewed.fencing()).isEqualTo(lease.fencing());
      assertThat(renewed.expiresMillis()).isGreaterThan(lease.expiresMillis());

      laptop.releaseLease(lease);
      laptop.releaseLease(lease); // released already: fine
      assertThatThrownBy(() -> fenced.append("docs", 1, TestLogs.log(user, "docs")))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("take a new lease");
      assertThatThrownBy(() -> laptop.renewLease(lease, Duration.ofSeconds(60)))
          .isInstanceOf(LeaseLostException.class);

      Lease next = phone.acquireLease("docs", Duration.ofSeconds(30));
      assertThat(next.fencing()).isGreaterThan(lease.fencing());
      assertThat(phoneStore.withLease(next).append("docs", 1, TestLogs.log(user, "docs")))
          .isEqualTo(new AppendResult.Appended(2, false));
      phone.releaseLease(next);
    }
  }

  @Test
  void aRevokedDeviceIsToldToJoinAgain() throws IOException {
    String user = server.newUser();
    try (ServerClient laptop = server.device(user, "laptop");
        HttpLogStore store = HttpLogStore.open(laptop)) {
      store.head("docs"); // an access token is cached now
      String deviceToken = laptop.options().deviceToken();
      String accessToken = laptop.accessToken();
      try (ServerClient anonymous = ServerClient.connect(server.options())) {
        anonymous.revokeDevice(user, TestServer.PASSWORD, "laptop");
      }
      assertThatThrownBy(() -> store.head("docs"))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("revoked")
          .hasMessageNotContaining(deviceToken)
          .hasMessageNotContaining(accessToken);
      assertThatThrownBy(laptop::heads)
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("join the server again");
    }
  }

  @Test
  void anUnreachableServerIsNamedWithWhatToCheck() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    try (ServerClient client =
        ServerClient.connect(
            TestServer.options(URI.create("http://127.0.0.1:" + port))
                .withDeviceToken("dsd_whatever"))) {
      assertThatThrownBy(client::heads)
          .isInstanceOf(ServerUnreachableException.class)
          .hasMessageContaining("http://127.0.0.1:" + port)
          .hasMessageContaining("cannot be reached")
          .hasMessageContaining("5 attempts")
          .hasMessageContaining("check the URL and that the server is running")
          .hasMessageNotContaining("dsd_whatever");
    }
  }

  @Test
  void anUnknownHostIsNamed() {
    try (ServerClient client =
        ServerClient.connect(
            ClientOptions.of("http://no-such-host.invalid:8440").withRetry(RetryPolicy.none()))) {
      assertThatThrownBy(() -> client.createUser("dsa_x", "dave", TestServer.PASSWORD))
          .isInstanceOf(ServerUnreachableException.class)
          .hasMessageContaining("no-such-host.invalid");
    }
  }

  @Test
  void theOptionsRefuseAUrlWithCredentialsOrABadToken() {
    assertThatThrownBy(() -> ClientOptions.of("http://alice:secret@example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> ClientOptions.of("ftp://example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://HOST");
    assertThatThrownBy(() -> ClientOptions.of("http://example.com").withDeviceToken("dsd_a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("dsd_a b");
    assertThat(ClientOptions.of("https://example.com/sync/").server())
        .isEqualTo(URI.create("https://example.com/sync"));
  }

  /** A listener that writes what it hears into a queue, as short strings. */
  record Recorder(BlockingQueue<String> heard) implements HeadListener {
    @Override
    public void heads(Map<String, Long> heads) {
      heard.add("heads " + heads);
    }

    @Override
    public void headChanged(String collection, long head) {
      heard.add("head " + collection + "=" + head);
    }

    @Override
    public void disconnected(IOException cause, boolean reconnecting) {
      heard.add("disconnected " + reconnecting);
    }
  }
}
