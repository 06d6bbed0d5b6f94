package dev.deltasync.client;

import dev.deltasync.server.DeltasyncServer;
import dev.deltasync.server.ServerOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** A real server in this process, on loopback and a temporary data directory, with helpers. */
final class TestServer implements AutoCloseable {
  static final String PASSWORD = "correct horse battery staple";

  /** Quick retries, so that tests of failures stay fast. */
  static final RetryPolicy QUICK =
      new RetryPolicy(5, Duration.ofMillis(20), Duration.ofMillis(200));

  private static final AtomicInteger USERS = new AtomicInteger();

  final Path data;
  private DeltasyncServer server;
  private final int port;
  private final @Nullable URI storageUrl;
  final String adminToken;

  private TestServer(Path data, DeltasyncServer server, @Nullable URI storageUrl)
      throws IOException {
    this.data = data;
    this.storageUrl = storageUrl;
    this.server = server;
    this.port = server.port();
    this.adminToken = Files.readString(server.adminTokenFile()).strip();
  }

  static TestServer start(Path data) throws IOException {
    return new TestServer(data, DeltasyncServer.start(options(data, 0, null)), null);
  }

  /** A server whose management role hands out {@code storageUrl} (a proxy in front of it). */
  static TestServer start(Path data, URI storageUrl) throws IOException {
    return new TestServer(data, DeltasyncServer.start(options(data, 0, storageUrl)), storageUrl);
  }

  private static ServerOptions options(Path data, int port, @Nullable URI storageUrl) {
    ServerOptions options = ServerOptions.defaults(data).withListen("127.0.0.1", port);
    return storageUrl == null ? options : options.withStorageUrl(storageUrl.toString());
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  int port() {
    return port;
  }

  ClientOptions options() {
    return options(url());
  }

  static ClientOptions options(URI url) {
    return ClientOptions.of(url)
        .withRetry(QUICK)
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(20));
  }

  /** Stops the server; {@link #restart()} starts it again on the same port and data. */
  void stop() throws IOException {
    server.close();
  }

  void restart() throws IOException {
    server = DeltasyncServer.start(options(data, port, storageUrl));
  }

  /** Creates a user with a fresh name and {@link #PASSWORD}. */
  String newUser() throws IOException {
    String name = "user" + USERS.incrementAndGet();
    try (ServerClient admin = ServerClient.connect(options())) {
      admin.createUser(adminToken, name, PASSWORD);
    }
    return name;
  }

  /** Registers a device of {@code user} and returns a client holding its token. */
  ServerClient device(String user, String device) throws IOException {
    return device(user, device, options());
  }

  ServerClient device(String user, String device, ClientOptions options) throws IOException {
    DeviceRegistration registration;
    try (ServerClient anonymous = ServerClient.connect(options())) {
      registration = anonymous.registerDevice(user, PASSWORD, device);
    }
    return ServerClient.connect(options.withDeviceToken(registration.token()));
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
