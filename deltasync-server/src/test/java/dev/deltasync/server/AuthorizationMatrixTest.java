package dev.deltasync.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route × every way of asking without the right to: no credentials, garbage, the wrong kind
 * of token, a tampered or expired access token, a revoked device, a token for another collection,
 * and valid credentials with another user's ids. None of them succeeds; another user's things
 * answer exactly like things that do not exist. Each route ends with a positive control: the same
 * request with the right credentials succeeds, so a refusal above is the authorization check's.
 */
class AuthorizationMatrixTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String BOB_PASSWORD = "bobs own password";
  private static final String LOG_TYPE = "application/vnd.deltasync.changelog";
  private static final String OCTETS = "application/octet-stream";
  private static final FakeClock clock = new FakeClock();
  private static final AtomicInteger counter = new AtomicInteger();
  private static final Random random = new Random(7);

  @TempDir static Path data;
  private static TestServer server;
  private static Http http;
  private static TestServer.Device laptop;
  private static TestServer.Device gone;
  private static TestServer.Device desktop;
  private static String goneAccess;
  private static String expiredAccess;
  private static Target bob;
  private static Target none;
  private static long bobUploadOffset;

  /** How a route authenticates. */
  enum Auth {
    ADMIN,
    PASSWORD,
    DEVICE,
    DEVICE_OR_PASSWORD,
    ACCESS,
    /** An access token that must also allow the route's collection. */
    ACCESS_COLLECTION
  }

  /** What a route does with another user's ids. */
  enum Foreign {
    /** Answers exactly as for ids that do not exist. */
    ABSENT,
    /** Acts in the caller's own namespace (a lease on the caller's collection of that name). */
    OWN_NAMESPACE,
    /** Refuses (a log whose header names another user). */
    REFUSED,
    /** The route takes no ids. */
    NO_IDS
  }

  /**
   * The things a request names.
   *
   * @param fresh a collection with no logs yet (appends go there)
   */
  record Target(
      String user,
      String collection,
      String fresh,
      long sequence,
      String pack,
      String upload,
      long uploadOffset,
      String leaseCollection,
      String lease,
      String device,
      String chunk) {
    /** Replaces every id in {@code text} with its field name, to compare answers. */
    String normalize(String text) {
      return text.replace(upload, "UPLOAD")
          .replace(pack, "PACK")
          .replace(lease, "LEASE")
          .replace(chunk, "CHUNK")
          .replace(leaseCollection, "LEASE_COLLECTION")
          .replace(collection, "COLLECTION")
          .replace(device, "DEVICE");
    }
  }

  record Route(
      String name, Auth auth, int success, Function<Target, Http.Call> request, Foreign foreign) {}

  /**
   * A way of authenticating; a null header sends none. {@code because}, when given, is part of the
   * problem's detail: it shows that the refusal has the reason the case is about.
   */
  record Credential(
      String label, @Nullable String authorization, int expected, @Nullable String because) {
    Credential(String label, @Nullable String authorization, int expected) {
      this(label, authorization, expected, null);
    }
  }

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.options(data).withClock(clock));
    http = server.http;
    server.createUser("alice", PASSWORD);
    server.createUser("bob", BOB_PASSWORD);
    laptop = server.device("alice", PASSWORD, "laptop");
    server.device("alice", PASSWORD, "spare"); // the positive control of DELETE revokes it
    gone = server.device("alice", PASSWORD, "gone");
    desktop = server.device("bob", BOB_PASSWORD, "desktop");

    // Alice's things: a log and a snapshot in "docs", a pack.
    String alice = server.access(laptop);
    server.appended(alice, "docs", 0, TestLogs.log("alice", "docs", TestLogs.logId(1, 1)));
    putSnapshot(alice, "docs", 1);
    server.uploadPack(alice, TestLogs.pack(List.of(TestLogs.random(random, 500))));

    // Bob's things, which alice must not reach.
    String bobAccess = server.access(desktop);
    server.appended(
        bobAccess, "bob-docs", 0, TestLogs.log("bob", "bob-docs", TestLogs.logId(2, 1)));
    server.appended(
        bobAccess, "bob-docs", 1, TestLogs.log("bob", "bob-docs", TestLogs.logId(2, 2)));
    putSnapshot(bobAccess, "bob-docs", 1);
    byte[] bobChunk = TestLogs.random(random, 600);
    String bobPack =
        server.uploadPack(bobAccess, TestLogs.pack(List.of(bobChunk))).get("pack").asText();
    String bobUpload =
        http.post("/v1/uploads").bearer(bobAccess).send().json().get("upload").asText();
    bobUploadOffset = 100;
    assertThat(
            http.call("PATCH", "/v1/uploads/" + bobUpload)
                .bearer(bobAccess)
                .header("Upload-Offset", "0")
                .body(new byte[(int) bobUploadOffset], OCTETS)
                .send()
                .status())
        .isEqualTo(204);
    Http.Reply bobLease =
        http.post("/v1/collections/bob-docs/lease")
            .bearer(desktop.token())
            .json("{\"ttlSeconds\":3600}")
            .send();
    assertThat(bobLease.status()).isEqualTo(201);
    bob =
        new Target(
            "bob",
            "bob-docs",
            "bob-docs",
            1,
            bobPack,
            bobUpload,
            bobUploadOffset,
            "bob-docs",
            bobLease.json().get("lease").asText(),
            "desktop",
            TestLogs.chunkId(bobChunk));
    HexFormat hex = HexFormat.of();
    none =
        new Target(
            "alice",
            "no-such-collection",
            "no-such-collection",
            1,
            hex.formatHex(TestLogs.random(random, 16)),
            hex.formatHex(TestLogs.random(random, 16)),
            0,
            "no-such-collection",
            hex.formatHex(TestLogs.random(random, 16)),
            "no-such-device",
            hex.formatHex(TestLogs.random(random, 32)));

    // An access token that expired, and a revoked device with an access token issued before
    // (which would still be valid for 10 minutes).
    expiredAccess = server.access(laptop);
    clock.advance(Duration.ofMinutes(11));
    goneAccess = server.access(gone);
    server.revoke(gone);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static void putSnapshot(String access, String collection, long sequence) {
    assertThat(
            http.put("/v1/collections/" + collection + "/snapshots/" + sequence)
                .bearer(access)
                .body(new byte[64], OCTETS)
                .send()
                .status())
        .isEqualTo(201);
  }

  private static String c(String collection) {
    return "/v1/collections/" + Http.segment(collection);
  }

  private static int next() {
    return counter.incrementAndGet();
  }

  /** Alice's own things for one request; uploads and leases are new each time. */
  private static Target alice() {
    String access = server.access(laptop);
    String upload = http.post("/v1/uploads").bearer(access).send().json().get("upload").asText();
    byte[] pack = TestLogs.pack(List.of(TestLogs.random(random, 300)));
    assertThat(
            http.call("PATCH", "/v1/uploads/" + upload)
                .bearer(access)
                .header("Upload-Offset", "0")
                .body(pack, OCTETS)
                .send()
                .status())
        .isEqualTo(204);
    String leaseCollection = "leased-" + next();
    Http.Reply lease =
        http.post(c(leaseCollection) + "/lease").bearer(laptop.token()).json("{}").send();
    assertThat(lease.status()).isEqualTo(201);
    String anyPack =
        server
            .uploadPack(access, TestLogs.pack(List.of(TestLogs.random(random, 200))))
            .get("pack")
            .asText();
    return new Target(
        "alice",
        "docs",
        "fresh-" + next(),
        1,
        anyPack,
        upload,
        pack.length,
        leaseCollection,
        lease.json().get("lease").asText(),
        "spare",
        TestLogs.chunkId(TestLogs.random(random, 10)));
  }

  private static List<Route> routes() {
    List<Route> routes = new ArrayList<>();
    routes.add(
        new Route(
            "POST /v1/users",
            Auth.ADMIN,
            201,
            t ->
                http.post("/v1/users")
                    .json(TestServer.json(Map.of("name", "user-" + next(), "password", PASSWORD))),
            Foreign.NO_IDS));
    routes.add(
        new Route(
            "POST /v1/devices",
            Auth.PASSWORD,
            201,
            t -> http.post("/v1/devices").json("{\"name\":\"device-" + next() + "\"}"),
            Foreign.NO_IDS));
    routes.add(
        new Route(
            "GET /v1/devices", Auth.DEVICE, 200, t -> http.get("/v1/devices"), Foreign.NO_IDS));
    routes.add(
        new Route(
            "POST /v1/access-tokens",
            Auth.DEVICE,
            200,
            t -> http.post("/v1/access-tokens").json("{}"),
            Foreign.NO_IDS));
    routes.add(
        new Route(
            "GET /v1/location", Auth.DEVICE, 200, t -> http.get("/v1/location"), Foreign.NO_IDS));
    routes.add(
        new Route("GET /v1/heads", Auth.DEVICE, 200, t -> http.get("/v1/heads"), Foreign.NO_IDS));
    routes.add(
        new Route("GET /v1/events", Auth.DEVICE, 200, t -> http.get("/v1/events"), Foreign.NO_IDS));
    routes.add(
        new Route(
            "POST /v1/collections/{c}/lease",
            Auth.DEVICE,
            201,
            t -> http.post(c(t.leaseCollection()) + "/lease").json("{}"),
            Foreign.OWN_NAMESPACE));
    routes.add(
        new Route(
            "PUT /v1/collections/{c}/lease/{id}",
            Auth.DEVICE,
            200,
            t -> http.put(c(t.leaseCollection()) + "/lease/" + t.lease()).json("{}"),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "DELETE /v1/collections/{c}/lease/{id}",
            Auth.DEVICE,
            204,
            t -> http.delete(c(t.leaseCollection()) + "/lease/" + t.lease()),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "GET /v1/collections/{c}/head",
            Auth.ACCESS_COLLECTION,
            200,
            t -> http.get(c(t.collection()) + "/head"),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "POST /v1/collections/{c}/logs",
            Auth.ACCESS_COLLECTION,
            201,
            t ->
                http.post(c(t.fresh()) + "/logs?expectedHead=0")
                    .body(TestLogs.log(t.user(), t.fresh(), TestLogs.logId(9, next())), LOG_TYPE),
            Foreign.REFUSED));
    routes.add(
        new Route(
            "GET /v1/collections/{c}/logs",
            Auth.ACCESS_COLLECTION,
            200,
            t -> http.get(c(t.collection()) + "/logs"),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "GET /v1/collections/{c}/logs/{sequence}",
            Auth.ACCESS_COLLECTION,
            200,
            t -> http.get(c(t.collection()) + "/logs/" + t.sequence()),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "PUT /v1/collections/{c}/snapshots/{sequence}",
            Auth.ACCESS_COLLECTION,
            201,
            t ->
                http.put(c(t.collection()) + "/snapshots/" + t.sequence())
                    .body(new byte[32], OCTETS),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "GET /v1/collections/{c}/snapshots/latest",
            Auth.ACCESS_COLLECTION,
            200,
            t -> http.get(c(t.collection()) + "/snapshots/latest"),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "POST /v1/chunks/missing",
            Auth.ACCESS,
            200,
            t -> http.post("/v1/chunks/missing").json("{\"ids\":[\"" + t.chunk() + "\"]}"),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "POST /v1/chunks/locate",
            Auth.ACCESS,
            200,
            t -> http.post("/v1/chunks/locate").json("{\"ids\":[\"" + t.chunk() + "\"]}"),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "POST /v1/packs",
            Auth.ACCESS,
            201,
            t ->
                http.post("/v1/packs")
                    .body(TestLogs.pack(List.of(TestLogs.random(random, 100))), OCTETS),
            Foreign.NO_IDS));
    routes.add(
        new Route(
            "GET /v1/packs/{pack}",
            Auth.ACCESS,
            200,
            t -> http.get("/v1/packs/" + t.pack()),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "HEAD /v1/packs/{pack}",
            Auth.ACCESS,
            200,
            t -> http.call("HEAD", "/v1/packs/" + t.pack()),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "POST /v1/uploads", Auth.ACCESS, 201, t -> http.post("/v1/uploads"), Foreign.NO_IDS));
    routes.add(
        new Route(
            "HEAD /v1/uploads/{upload}",
            Auth.ACCESS,
            200,
            t -> http.call("HEAD", "/v1/uploads/" + t.upload()),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "PATCH /v1/uploads/{upload}",
            Auth.ACCESS,
            204,
            t ->
                http.call("PATCH", "/v1/uploads/" + t.upload())
                    .header("Upload-Offset", String.valueOf(t.uploadOffset()))
                    .body(new byte[0], OCTETS),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "POST /v1/uploads/{upload}/finish",
            Auth.ACCESS,
            201,
            t -> http.post("/v1/uploads/" + t.upload() + "/finish"),
            Foreign.ABSENT));
    routes.add(
        new Route(
            "DELETE /v1/uploads/{upload}",
            Auth.ACCESS,
            204,
            t -> http.delete("/v1/uploads/" + t.upload()),
            Foreign.ABSENT));
    // Last: its positive control revokes alice's spare device.
    routes.add(
        new Route(
            "DELETE /v1/devices/{name}",
            Auth.DEVICE_OR_PASSWORD,
            204,
            t -> http.delete("/v1/devices/" + Http.segment(t.device())),
            Foreign.ABSENT));
    return routes;
  }

  /** Every way of asking without the right to, for a route of this kind. */
  private static List<Credential> refused(Auth auth) {
    String access = server.access(laptop);
    List<Credential> all = new ArrayList<>();
    all.add(new Credential("no credentials", null, 401));
    all.add(new Credential("garbage", "Bearer garbage", 401));
    all.add(new Credential("empty bearer", "Bearer ", 401));
    all.add(new Credential("unknown scheme", "Token " + laptop.token(), 401));
    boolean device = auth == Auth.DEVICE || auth == Auth.DEVICE_OR_PASSWORD;
    boolean storage = auth == Auth.ACCESS || auth == Auth.ACCESS_COLLECTION;
    all.add(
        new Credential(
            "expired access token", "Bearer " + expiredAccess, 401, storage ? "expired" : null));
    all.add(
        new Credential(
            "revoked device's token", "Bearer " + gone.token(), 401, device ? "revoked" : null));
    all.add(
        new Credential(
            "revoked device's access token",
            "Bearer " + goneAccess,
            401,
            storage ? "revoked" : null));
    all.add(new Credential("tampered access token", "Bearer " + tampered(access), 401));
    switch (auth) {
      case ADMIN -> {
        all.add(new Credential("wrong admin token", "Bearer dsa_" + "A".repeat(43), 401));
        all.add(new Credential("device token", "Bearer " + laptop.token(), 401));
        all.add(new Credential("access token", "Bearer " + access, 401));
        all.add(new Credential("password", Http.basic("alice", PASSWORD), 401));
      }
      case PASSWORD -> {
        all.add(new Credential("wrong password", Http.basic("alice", "wrong password"), 401));
        all.add(new Credential("unknown user", Http.basic("mallory", PASSWORD), 401));
        all.add(new Credential("another user's password", Http.basic("alice", BOB_PASSWORD), 401));
        all.add(new Credential("Basic not base64", "Basic !!!", 401));
        all.add(
            new Credential(
                "Basic without colon",
                "Basic "
                    + Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8)),
                401));
        all.add(new Credential("device token", "Bearer " + laptop.token(), 401));
        all.add(new Credential("admin token", "Bearer " + server.admin, 401));
      }
      case DEVICE, DEVICE_OR_PASSWORD -> {
        all.add(new Credential("unknown device token", "Bearer dsd_" + "A".repeat(43), 401));
        all.add(new Credential("access token", "Bearer " + access, 401));
        all.add(new Credential("admin token", "Bearer " + server.admin, 401));
        if (auth == Auth.DEVICE) {
          all.add(new Credential("password", Http.basic("alice", PASSWORD), 401));
        } else {
          all.add(new Credential("wrong password", Http.basic("alice", "wrong password"), 401));
          all.add(new Credential("unknown user", Http.basic("mallory", PASSWORD), 401));
        }
      }
      case ACCESS, ACCESS_COLLECTION -> {
        all.add(new Credential("forged access token", "Bearer dst_AAAA.BBBB", 401));
        all.add(new Credential("device token", "Bearer " + laptop.token(), 401));
        all.add(new Credential("admin token", "Bearer " + server.admin, 401));
        all.add(new Credential("password", Http.basic("alice", PASSWORD), 401));
        if (auth == Auth.ACCESS_COLLECTION) {
          String scoped = server.access(laptop, "elsewhere");
          all.add(new Credential("token for another collection", "Bearer " + scoped, 403));
        }
      }
    }
    return all;
  }

  /** The token with its user id changed, signature kept. */
  private static String tampered(String token) {
    int dot = token.indexOf('.');
    byte[] payload = Base64.getUrlDecoder().decode(token.substring(4, dot));
    ByteBuffer.wrap(payload).putLong(1, ByteBuffer.wrap(payload).getLong(1) + 1);
    return "dst_"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(payload)
        + token.substring(dot);
  }

  private static String valid(Auth auth) {
    return switch (auth) {
      case ADMIN -> "Bearer " + server.admin;
      case PASSWORD -> Http.basic("alice", PASSWORD);
      case DEVICE, DEVICE_OR_PASSWORD -> "Bearer " + laptop.token();
      case ACCESS, ACCESS_COLLECTION -> "Bearer " + server.access(laptop);
    };
  }

  @TestFactory
  Stream<DynamicNode> noRouteAnswersWithoutTheRightCredentials() {
    List<DynamicNode> nodes = new ArrayList<>();
    for (Route route : routes()) {
      List<DynamicNode> cases = new ArrayList<>();
      Target[] target = new Target[1]; // alice's things, made when the route's first case runs
      for (Credential credential : refused(route.auth())) {
        cases.add(
            dynamicTest(
                credential.label() + " → " + credential.expected(),
                () -> {
                  if (target[0] == null) {
                    target[0] = alice();
                  }
                  refuses(route, credential, target[0]);
                }));
      }
      if (route.foreign() != Foreign.NO_IDS) {
        cases.add(dynamicTest("another user's ids", () -> keepsOtherUsersApart(route)));
      }
      cases.add(dynamicTest("positive control", () -> succeedsWithTheRightCredentials(route)));
      nodes.add(dynamicContainer(route.name(), cases));
    }
    nodes.add(dynamicTest("bob's things are untouched", AuthorizationMatrixTest::bobIsUntouched));
    return nodes.stream();
  }

  private static void refuses(Route route, Credential credential, Target target) {
    Http.Call call = route.request().apply(target);
    if (credential.authorization() != null) {
      call.auth(credential.authorization());
    }
    Http.Reply reply = send(call);
    assertThat(reply.status())
        .as("%s with %s: %s", route.name(), credential.label(), reply)
        .isEqualTo(credential.expected());
    if (credential.because() != null && reply.body().length > 0) { // HEAD: no body
      assertThat(reply.detail())
          .as("%s: %s", credential.label(), reply)
          .contains(credential.because());
    }
    assertThat(reply.contentType()).startsWith(Http.PROBLEM_TYPE);
    if (reply.status() == 401) {
      // The challenge names the scheme the route takes: Basic where a password is expected.
      boolean basic =
          route.auth() == Auth.PASSWORD
              || (route.auth() == Auth.DEVICE_OR_PASSWORD
                  && credential.authorization() != null
                  && credential.authorization().startsWith("Basic "));
      assertThat(reply.header("WWW-Authenticate"))
          .as("%s with %s", route.name(), credential.label())
          .hasValueSatisfying(value ->
              assertThat(value).startsWith((basic ? "Basic" : "Bearer") + " realm=\"deltasync\""));
    }
    String authorization = credential.authorization();
    if (authorization != null && authorization.length() > 12) {
      String secret = authorization.substring(authorization.indexOf(' ') + 1);
      assertThat(reply.text()).as("the answer repeats the credential").doesNotContain(secret);
    }
  }

  private static void keepsOtherUsersApart(Route route) {
    String authorization = valid(route.auth());
    Http.Reply foreign = send(route.request().apply(bob).auth(authorization));
    switch (route.foreign()) {
      case ABSENT -> {
        Http.Reply absent = send(route.request().apply(none).auth(authorization));
        assertThat(foreign.status())
            .as("%s with bob's ids: %s; with unknown ids: %s", route.name(), foreign, absent)
            .isEqualTo(absent.status());
        assertThat(foreign.contentType()).isEqualTo(absent.contentType());
        assertThat(bob.normalize(foreign.text())).isEqualTo(none.normalize(absent.text()));
      }
      case OWN_NAMESPACE -> assertThat(foreign.status()).isEqualTo(route.success());
      case REFUSED -> {
        assertThat(foreign.status()).as("%s: %s", route.name(), foreign).isEqualTo(400);
        assertThat(foreign.detail()).contains("another user");
      }
      case NO_IDS -> throw new IllegalStateException("no ids in " + route.name());
    }
  }

  private static void succeedsWithTheRightCredentials(Route route) {
    Http.Reply reply = send(route.request().apply(alice()).auth(valid(route.auth())));
    assertThat(reply.status()).as("%s: %s", route.name(), reply).isEqualTo(route.success());
  }

  /**
   * Sends; when the login rate limit answers (these many failed attempts trip it), waits a minute
   * of fake time, which refills it, and asks again.
   */
  private static Http.Reply send(Http.Call call) {
    Http.Reply reply = call.send();
    if (reply.status() == 429) {
      assertThat(reply.header("Retry-After")).isPresent();
      clock.advance(Duration.ofMinutes(1));
      reply = call.send();
    }
    return reply;
  }

  private static void bobIsUntouched() {
    String access = server.access(desktop);
    assertThat(server.head(access, "bob-docs")).isEqualTo(2);
    assertThat(http.get(c("bob-docs") + "/logs/2").bearer(access).send().status()).isEqualTo(200);
    assertThat(http.get(c("bob-docs") + "/snapshots/latest").bearer(access).send().status())
        .isEqualTo(200);
    assertThat(http.get("/v1/packs/" + bob.pack()).bearer(access).send().status()).isEqualTo(200);
    assertThat(
            http.post("/v1/chunks/missing")
                .bearer(access)
                .json("{\"ids\":[\"" + bob.chunk() + "\"]}")
                .send()
                .json()
                .get("missing"))
        .isEmpty();
    Http.Reply upload = http.call("HEAD", "/v1/uploads/" + bob.upload()).bearer(access).send();
    assertThat(upload.header("Upload-Offset")).contains(String.valueOf(bobUploadOffset));
    Http.Reply lease =
        http.put(c("bob-docs") + "/lease/" + bob.lease()).bearer(desktop.token()).json("{}").send();
    assertThat(lease.status()).as("bob renews his lease: %s", lease).isEqualTo(200);
    assertThat(http.get("/v1/location").bearer(desktop.token()).send().status()).isEqualTo(200);

    // Alice's lists show nothing of bob's.
    String heads = http.get("/v1/heads").bearer(laptop.token()).send().text();
    assertThat(heads).doesNotContain("bob-docs");
    String devices = http.get("/v1/devices").bearer(laptop.token()).send().text();
    assertThat(devices).doesNotContain("desktop");
  }
}
