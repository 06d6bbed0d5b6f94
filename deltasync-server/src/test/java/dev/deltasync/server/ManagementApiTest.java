package dev.deltasync.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management role over HTTP: users, devices, access tokens, location, heads, metrics. */
class ManagementApiTest {
  private static final String PASSWORD = "correct horse battery";
  private static final FakeClock clock = new FakeClock();

  @TempDir static Path data;
  private static TestServer server;
  private static TestServer.Device laptop;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.options(data).withClock(clock));
    server.createUser("alice", PASSWORD);
    laptop = server.device("alice", PASSWORD, "laptop");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** A minute between tests refills the login rate limits, which the tests' logins share. */
  @BeforeEach
  void later() {
    clock.advance(Duration.ofMinutes(1));
  }

  @Test
  void firstStartCreatesAnAdminTokenOnlyItsOwnerCanRead() throws Exception {
    assertThat(server.server.adminTokenCreated()).isTrue();
    assertThat(server.server.adminTokenFile()).isEqualTo(data.resolve("admin-token"));
    assertThat(server.admin).startsWith("dsa_");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("admin-token"))))
        .isEqualTo("rw-------");
  }

  @Test
  void healthNeedsNoCredentialsAndTellsTheRoles() {
    Http.Reply reply = server.http.get("/v1/health").send();

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json())
        .isEqualTo(
            Http.JSON.valueToTree(Map.of("status", "ok", "management", true, "storage", true)));
  }

  @Test
  void clearTextClientsMayUpgradeToHttp2() throws Exception {
    HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    HttpResponse<String> reply =
        h2c.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/location"))
                .header("Authorization", "Bearer " + laptop.token())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.version()).isEqualTo(HttpClient.Version.HTTP_2);
    Http.Reply problem = new Http(server.url(), h2c).get("/v1/nothing").send();
    assertThat(problem.status()).isEqualTo(404);
    assertThat(problem.contentType()).isEqualTo(Http.PROBLEM_TYPE);
  }

  @Test
  void adminCreatesUsersOnceEachWithAValidNameAndPassword() {
    Http.Reply created =
        server
            .http
            .post("/v1/users")
            .bearer(server.admin)
            .json("{\"name\":\"carol\",\"password\":\"long enough\"}")
            .send();
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("name").asText()).isEqualTo("carol");
    assertThat(created.text()).doesNotContain("long enough");

    Http.Reply again =
        server
            .http
            .post("/v1/users")
            .bearer(server.admin)
            .json("{\"name\":\"carol\",\"password\":\"something else\"}")
            .send();
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.problem()).isEqualTo("user-exists");

    Http.Reply badName =
        server
            .http
            .post("/v1/users")
            .bearer(server.admin)
            .json("{\"name\":\"Carol Smith\",\"password\":\"long enough\"}")
            .send();
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.detail()).contains("user name");

    Http.Reply shortPassword =
        server
            .http
            .post("/v1/users")
            .bearer(server.admin)
            .json("{\"name\":\"dave\",\"password\":\"short\"}")
            .send();
    assertThat(shortPassword.status()).isEqualTo(400);
    assertThat(shortPassword.detail()).contains("8 to 1024 characters");

    Http.Reply noPassword =
        server.http.post("/v1/users").bearer(server.admin).json("{\"name\":\"dave\"}").send();
    assertThat(noPassword.status()).isEqualTo(400);
    assertThat(noPassword.detail()).contains("\"password\"");
  }

  @Test
  void aDeviceRegisteredWithThePasswordGetsATokenAndTheStorageUrl() {
    Http.Reply reply =
        server
            .http
            .post("/v1/devices")
            .basic("alice", PASSWORD)
            .json("{\"name\":\"tablet\"}")
            .send();

    assertThat(reply.status()).isEqualTo(201);
    JsonNode answer = reply.json();
    assertThat(answer.get("user").asText()).isEqualTo("alice");
    assertThat(answer.get("device").asText()).isEqualTo("tablet");
    assertThat(answer.get("token").asText()).startsWith("dsd_").hasSizeGreaterThan(40);
    assertThat(answer.get("storage").asText()).isEqualTo(server.url());
  }

  @Test
  void aDeviceNameIsTakenUntilThatDeviceIsRevoked() {
    TestServer.Device watch = server.device("alice", PASSWORD, "watch");

    Http.Reply taken =
        server
            .http
            .post("/v1/devices")
            .basic("alice", PASSWORD)
            .json("{\"name\":\"watch\"}")
            .send();
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.problem()).isEqualTo("device-exists");
    assertThat(taken.detail()).contains("DELETE /v1/devices/{name}");

    server.revoke(watch);
    TestServer.Device newWatch = server.device("alice", PASSWORD, "watch");
    assertThat(newWatch.token()).isNotEqualTo(watch.token());
  }

  @Test
  void devicesAreListedWithTheCallerMarkedAndRevokedOnesFlagged() {
    TestServer.Device old = server.device("alice", PASSWORD, "old-phone");
    server.revoke(old);

    Http.Reply reply = server.http.get("/v1/devices").bearer(laptop.token()).send();

    assertThat(reply.status()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    for (JsonNode device : reply.json().get("devices")) {
      names.add(device.get("name").asText());
      assertThat(device.get("current").asBoolean())
          .as("current flag of %s", device)
          .isEqualTo(device.get("name").asText().equals("laptop"));
      if (device.get("name").asText().equals("old-phone")) {
        assertThat(device.get("revoked").asBoolean()).isTrue();
      }
      if (device.get("name").asText().equals("laptop")) {
        assertThat(device.get("revoked").asBoolean()).isFalse();
        assertThat(device.get("createdMillis").asLong()).isPositive();
      }
    }
    assertThat(names).contains("laptop", "old-phone");
    assertThat(reply.text()).doesNotContain("dsd_");
  }

  @Test
  void aRevokedDeviceTokenStopsWorkingAtOnceForItAndItsAccessTokens() {
    TestServer.Device phone = server.device("alice", PASSWORD, "lost-phone");
    String access = server.access(phone);
    assertThat(server.head(access, "docs")).isZero();

    Http.Reply revoked =
        server.http.delete("/v1/devices/lost-phone").basic("alice", PASSWORD).send();
    assertThat(revoked.status()).isEqualTo(204);

    Http.Reply location = server.http.get("/v1/location").bearer(phone.token()).send();
    assertThat(location.status()).isEqualTo(401);
    assertThat(location.header("WWW-Authenticate")).contains("Bearer realm=\"deltasync\"");
    Http.Reply head = server.http.get("/v1/collections/docs/head").bearer(access).send();
    assertThat(head.status()).isEqualTo(401);
    assertThat(head.detail()).contains("revoked");

    Http.Reply again = server.http.delete("/v1/devices/lost-phone").basic("alice", PASSWORD).send();
    assertThat(again.status()).isEqualTo(404);
  }

  @Test
  void accessTokensExpireAfterTenMinutesAndMayBeLimitedToOneCollection() {
    Http.Reply reply =
        server
            .http
            .post("/v1/access-tokens")
            .bearer(laptop.token())
            .json("{\"collection\":\"notes\"}")
            .send();

    assertThat(reply.status()).isEqualTo(200);
    JsonNode answer = reply.json();
    String token = answer.get("token").asText();
    assertThat(token).startsWith("dst_");
    assertThat(answer.get("scope").asText()).isEqualTo("notes");
    assertThat(answer.get("expiresMillis").asLong())
        .isEqualTo(clock.getAsLong() + Duration.ofMinutes(10).toMillis());
    assertThat(answer.get("storage").asText()).isEqualTo(server.url());

    assertThat(server.head(token, "notes")).isZero();
    Http.Reply other = server.http.get("/v1/collections/docs/head").bearer(token).send();
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.problem()).isEqualTo("forbidden");

    String all = server.access(laptop);
    clock.advance(Duration.ofMinutes(10));
    Http.Reply expired = server.http.get("/v1/collections/notes/head").bearer(token).send();
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.detail()).contains("expired");
    assertThat(server.http.get("/v1/collections/docs/head").bearer(all).send().status())
        .isEqualTo(401);
  }

  @Test
  void locationNamesTheUserTheDeviceAndTheStorage() {
    Http.Reply reply = server.http.get("/v1/location").bearer(laptop.token()).send();

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json())
        .isEqualTo(
            Http.JSON.valueToTree(
                Map.of("user", "alice", "device", "laptop", "storage", server.url())));
  }

  @Test
  void headsListEveryCollectionWithLogs() {
    String access = server.access(laptop);
    server.appended(access, "heads-a", 0, TestLogs.log("alice", "heads-a", TestLogs.logId(1, 1)));
    server.appended(access, "heads-a", 1, TestLogs.log("alice", "heads-a", TestLogs.logId(1, 2)));
    server.appended(access, "heads-b", 0, TestLogs.log("alice", "heads-b", TestLogs.logId(1, 3)));

    Http.Reply reply = server.http.get("/v1/heads").bearer(laptop.token()).send();

    assertThat(reply.status()).isEqualTo(200);
    JsonNode heads = reply.json().get("heads");
    assertThat(heads.get("heads-a").asLong()).isEqualTo(2);
    assertThat(heads.get("heads-b").asLong()).isEqualTo(1);
  }

  @Test
  void unknownRoutesAndWrongMethodsAreProblems() {
    Http.Reply unknown = server.http.get("/v1/nothing-here").bearer(laptop.token()).send();
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.problem()).isEqualTo("not-found");

    Http.Reply method = server.http.get("/v1/users").bearer(server.admin).send();
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.problem()).isEqualTo("method-not-allowed");
    assertThat(method.detail()).contains("POST");
    assertThat(method.header("Allow")).contains("POST");

    Http.Reply lease =
        server.http.get("/v1/collections/docs/lease/0123").bearer(laptop.token()).send();
    assertThat(lease.status()).isEqualTo(405);
    assertThat(lease.header("Allow")).contains("PUT, DELETE");

    Http.Reply extra = server.http.get("/v1/heads/extra").bearer(laptop.token()).send();
    assertThat(extra.status()).isEqualTo(404);
  }

  @Test
  void anAccessTokenForAllCollectionsHasNoScopeAndAStarIsJustAName() {
    Http.Reply all = server.http.post("/v1/access-tokens").bearer(laptop.token()).json("{}").send();
    assertThat(all.json().get("scope").isNull()).isTrue();

    Http.Reply star =
        server
            .http
            .post("/v1/access-tokens")
            .bearer(laptop.token())
            .json("{\"collection\":\"*\"}")
            .send();
    assertThat(star.json().get("scope").asText()).isEqualTo("*");
    String token = star.json().get("token").asText();
    assertThat(server.http.get("/v1/collections/docs/head").bearer(token).send().status())
        .isEqualTo(403);

    Http.Reply number =
        server
            .http
            .post("/v1/access-tokens")
            .bearer(laptop.token())
            .json("{\"collection\":7}")
            .send();
    assertThat(number.status()).isEqualTo(400);
  }

  @Test
  void metricsCountRequestsByRouteTemplateWithoutNames() {
    server.http.get("/v1/location").bearer(laptop.token()).send();
    server.http.get("/v1/collections/secret-name/head").bearer(server.access(laptop)).send();

    Http.Reply reply = server.http.get("/metrics").send();

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("text/plain");
    assertThat(reply.text())
        .contains("deltasync_http_requests_total{method=\"GET\",route=\"/v1/location\"")
        .contains("route=\"/v1/collections/{c}/head\"")
        .doesNotContain("secret-name")
        .doesNotContain("dsd_")
        .doesNotContain("dst_");
  }
}
