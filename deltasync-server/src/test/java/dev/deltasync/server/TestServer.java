package dev.deltasync.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A server started in this JVM on a free port of 127.0.0.1, with what most tests need: its admin
 * token, an HTTP client for it, and helpers for users, devices, access tokens and appends. Every
 * helper asserts that the server said yes.
 */
final class TestServer implements AutoCloseable {
  final DeltasyncServer server;
  final Http http;
  final String admin;

  /** A registered device and its long-lived token. */
  record Device(String user, String name, String token) {}

  private TestServer(DeltasyncServer server) {
    this.server = server;
    this.http = new Http(server.url());
    try {
      this.admin = Files.readString(server.adminTokenFile()).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ServerOptions options(Path data) {
    return ServerOptions.defaults(data).withListen("127.0.0.1", 0);
  }

  static TestServer start(Path data) {
    return start(options(data));
  }

  static TestServer start(ServerOptions options) {
    try {
      return new TestServer(DeltasyncServer.start(options));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return server.url();
  }

  void createUser(String name, String password) {
    Http.Reply reply =
        http.post("/v1/users")
            .bearer(admin)
            .json(json(Map.of("name", name, "password", password)))
            .send();
    assertThat(reply.status()).as("create user %s: %s", name, reply).isEqualTo(201);
  }

  Device device(String user, String password, String name) {
    Http.Reply reply =
        http.post("/v1/devices").basic(user, password).json(json(Map.of("name", name))).send();
    assertThat(reply.status()).as("register device %s: %s", name, reply).isEqualTo(201);
    return new Device(user, name, reply.json().get("token").asText());
  }

  /** An access token for every collection of the device's user. */
  String access(Device device) {
    return access(device, null);
  }

  /** An access token for one collection, or for all when {@code collection} is null. */
  String access(Device device, @Nullable String collection) {
    Http.Reply reply =
        http.post("/v1/access-tokens")
            .bearer(device.token())
            .json(collection == null ? "{}" : json(Map.of("collection", collection)))
            .send();
    assertThat(reply.status()).as("access token: %s", reply).isEqualTo(200);
    return reply.json().get("token").asText();
  }

  void revoke(Device device) {
    Http.Reply reply =
        http.delete("/v1/devices/" + Http.segment(device.name())).bearer(device.token()).send();
    assertThat(reply.status()).as("revoke %s: %s", device.name(), reply).isEqualTo(204);
  }

  static String logs(String collection) {
    return "/v1/collections/" + Http.segment(collection) + "/logs";
  }

  Http.Reply append(String access, String collection, long expectedHead, byte[] log) {
    return append(access, collection, expectedHead, null, log);
  }

  Http.Reply append(
      String access, String collection, long expectedHead, @Nullable Long fencing, byte[] log) {
    String query = "?expectedHead=" + expectedHead + (fencing == null ? "" : "&fencing=" + fencing);
    return http.post(logs(collection) + query)
        .bearer(access)
        .body(log, "application/vnd.deltasync.changelog")
        .send();
  }

  /** Appends at {@code expectedHead} and returns the new sequence. */
  long appended(String access, String collection, long expectedHead, byte[] log) {
    Http.Reply reply = append(access, collection, expectedHead, log);
    assertThat(reply.status()).as("append: %s", reply).isEqualTo(201);
    return reply.json().get("sequence").asLong();
  }

  long head(String access, String collection) {
    Http.Reply reply =
        http.get("/v1/collections/" + Http.segment(collection) + "/head").bearer(access).send();
    assertThat(reply.status()).as("head: %s", reply).isEqualTo(200);
    return reply.json().get("head").asLong();
  }

  /** Uploads a pack in one request and returns the answer's document. */
  JsonNode uploadPack(String access, byte[] pack) {
    Http.Reply reply =
        http.post("/v1/packs").bearer(access).body(pack, "application/vnd.deltasync.pack").send();
    assertThat(reply.status()).as("upload pack: %s", reply).isEqualTo(201);
    return reply.json();
  }

  static String json(Object value) {
    try {
      return Http.JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
